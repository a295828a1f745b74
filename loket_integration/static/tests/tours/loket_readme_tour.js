/** @odoo-module **/
/**
 * The README's quick start, followed literally in English, run by
 * loket_integration/tests/test_readme_tour.py against the Loket sandbox.
 *
 * Unlike loket_tours.js (whose selectors ignore the language), every step here finds what
 * it clicks or reads by the text the README quotes: a button, tab, menu or field label
 * written in the README (**bold** or *italic*) is the same quoted string here, and the
 * test checks that each one of the quick start is (so the README cannot drift from the
 * screens: a label changed on either side fails the test). The values (the sandbox's URLs,
 * client id and secret, the period) come from the test in the `loket_tour` cookie.
 */

import { registry } from "@web/core/registry";
import { leavesPage, stepUtils, tourParams } from "@loket_integration/../tests/tours/loket_tour_steps";

/** `:text()` of exactly `label` (hoot's pseudo-class; a regex, case-insensitive: the flag is
 * explicit, 18.0's hoot adds it by itself, 19.0's not, and 19.0 reads the rendered text, e.g.
 * a separator's "PREVIEW"). */
function exact(label) {
    return `:text(/^${label.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$/i)`;
}

/** A field's label reading `label` (followed by the "?" of its tooltip, when it has one). */
function labelled(label) {
    return `label:text(/^${label.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\s*\\??$/i)`;
}

/** The README's menu path `labels` ("Timesheets", "Configuration", "Loket", "Loket integrations"). */
function menuPath(app, section, ...items) {
    const steps = [
        { content: "Open the apps menu", trigger: ".o_navbar_apps_menu button", run: "click" },
        { content: `Open ${app}`, trigger: `.o_app${exact(app)}`, run: "click" },
        { content: `Open ${section}`, trigger: `.o_menu_sections button${exact(section)}`, run: "click" },
    ];
    const last = items.pop();
    for (const header of items) {
        steps.push({ content: `Under ${header}`, trigger: `.dropdown-menu .dropdown-header${exact(header)}` });
    }
    steps.push({ content: `Open ${last}`, trigger: `.dropdown-menu .dropdown-item${exact(last)}`, run: "click" });
    return steps;
}

/** Type `value` in the field whose label reads `label`, within `scope`. */
function fill(scope, label, value) {
    return {
        content: `${label}: ${value}`,
        trigger: `${scope} ${labelled(label)}`,
        async run(helpers) {
            await helpers.edit(String(value), document.getElementById(helpers.anchor.getAttribute("for")));
        },
    };
}

function click(scope, label, what = "button") {
    const enabled = what === "button" ? ":enabled" : "";
    return { content: `Click ${label}`, trigger: `${scope} ${what}${exact(label)}${enabled}`, run: "click" };
}

function tab(label) {
    return { content: `Tab ${label}`, trigger: `${FORM} .o_notebook a.nav-link${exact(label)}`, run: "click" };
}

/** Choose `option` in the many2one `input` (a selector) after typing `text`. */
function pick(input, text, option = text) {
    return [
        { content: `Type ${text}`, trigger: input, run: `edit ${text}` },
        {
            content: `Choose ${option}`,
            trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item:not(.o_m2o_dropdown_option) a${exact(option)}`,
            run: "click",
        },
    ];
}

/** Each step waits up to 30 s for its trigger (a shared test machine can be slow to open a screen). */
function patient(steps) {
    return steps.map((step) => ({ timeout: 30000, ...step }));
}

const SETTINGS = ".app_settings_block[data-key=loket_integration]";
const FORM = ".o_action_manager .o_form_view";
const WIZARD = ".modal .o_form_view";

registry.category("web_tour.tours").add("loket_readme_setup_tour", {
    test: true,
    url: "/odoo",
    steps: () => {
        const params = tourParams("test_readme_tour.py");
        return patient([
            // 1. Settings → Loket.nl: Client id, Client secret, Save.
            { content: "Open the apps menu", trigger: ".o_navbar_apps_menu button", run: "click" },
            { content: "Open Settings", trigger: `.o_app${exact("Settings")}`, run: "click" },
            { content: "Loket.nl", trigger: `.settings_tab .tab${exact("Loket.nl")}`, run: "click" },
            fill(SETTINGS, "Client id", params.client_id),
            fill(SETTINGS, "Client secret", params.client_secret),
            leavesPage(click(".o_control_panel", "Save")),
            {
                // Save reloads the page: this text appears only once the secret is stored
                content: "Saved: a client secret is stored",
                trigger: `${SETTINGS} .text-muted:contains("A client secret is stored")`,
            },
            // 2. Add Loket integration: Environment Custom URLs, API base URL, OAuth server URL; Connect.
            click(SETTINGS, "Add Loket integration"),
            { content: "The field Environment", trigger: `${FORM} ${labelled("Environment")}` },
            {
                // Radio buttons (one look on Odoo 18.0 and 19.0): the option is found by its label.
                content: "Environment: Custom URLs",
                trigger: `${FORM} div[name=environment] label${exact("Custom URLs")}`,
                run: "click",
            },
            fill(FORM, "API base URL", params.api_url),
            fill(FORM, "OAuth server URL", params.oauth_url),
            leavesPage(click(`${FORM} .o_statusbar_buttons`, "Connect")),
            // 3. The sandbox's login page (granted at once in the test: another site, out of a tour's
            //    reach; the test checks its "Grant access" button). Back in Odoo: Connected, the
            //    payroll administration chosen.
            {
                content: "Back in Odoo the integration is Connected",
                trigger: `${FORM} .o_statusbar_status button[aria-checked=true]${exact("Connected")}`,
                timeout: 20000,
            },
            {
                content: "and its payroll administration chosen",
                trigger: `${FORM} ${labelled("Payroll administration")}`,
                run() {
                    const input = document.getElementById(this.anchor.getAttribute("for"));
                    if (!input || !input.value.includes(params.administration)) {
                        throw new Error(`No payroll administration chosen: ${input && input.value}`);
                    }
                },
            },
            // 4. Fetch employees: the Loket employees list, To decide; select them all → Add.
            click(`${FORM} .o_statusbar_buttons`, "Fetch employees"),
            {
                content: "The Loket employees list opens",
                trigger: `.o_breadcrumb *${exact("Loket employees")}`,
            },
            {
                content: `on the ${params.employee_count} employees To decide`,
                trigger: `.o_searchview_facet .o_facet_value${exact("To decide")}`,
            },
            {
                content: "all of them",
                trigger: `.o_list_view:has(.o_data_row:nth-child(${params.employee_count})):not(:has(.o_data_row:nth-child(${params.employee_count + 1})))`,
            },
            {
                content: "Select them all",
                trigger: ".o_list_view thead .o_list_record_selector input",
                run: "click",
            },
            click(".o_control_panel", "Add"),
            {
                content: "They are added",
                trigger: `.o_notification.o_loket_applied:contains(${JSON.stringify(String(params.employee_count))})`,
            },
            // 5. Timesheets → Configuration → Loket → Loket integrations → the integration.
            ...menuPath("Timesheets", "Configuration", "Loket", "Loket integrations"),
            {
                content: "The integration",
                trigger: `.o_list_view .o_data_row td${exact(params.integration)}`,
                run: "click",
            },
            // Tab Cost centers: Add a line: the department, its Loket distribution unit.
            tab("Cost centers"),
            {
                content: "The column Loket distribution unit",
                trigger: `${FORM} div[name=cost_center_ids] th${exact("Loket distribution unit")}`,
            },
            ...params.cost_centers.flatMap(([department, unit, unitOption]) => [
                click(`${FORM} div[name=cost_center_ids]`, "Add a line", "a"),
                ...pick(`${FORM} div[name=cost_center_ids] .o_selected_row div[name=department_id] input`, department),
                ...pick(`${FORM} div[name=cost_center_ids] .o_selected_row div[name=distribution_unit_id] input`, unit, unitOption),
            ]),
            // Tab Hour codes: Add hour codes in use, Attendance → Loket component 1 (Uren gewerkt).
            tab("Hour codes"),
            click(FORM, "Add hour codes in use"),
            {
                content: "The column Loket component",
                trigger: `${FORM} div[name=hour_code_ids] th${exact("Loket component")}`,
            },
            {
                content: "Attendance",
                trigger: `${FORM} div[name=hour_code_ids] .o_data_row:has(td${exact("Attendance")}) td[name=component_number]`,
                run: "click",
            },
            {
                content: "its Loket component",
                trigger: `${FORM} div[name=hour_code_ids] .o_selected_row div[name=component_number] input`,
                run: `edit ${params.component_number}`,
            },
            // Tab Export: Delivery Straight to Loket. Save.
            tab("Export"),
            {
                content: "Delivery",
                trigger: `${FORM} ${labelled("Delivery")}`,
            },
            {
                content: "Straight to Loket",
                trigger: `${FORM} div[name=delivery] label${exact("Straight to Loket")}`,
                run: "click",
            },
            ...stepUtils.saveForm(),
            tab("Hour codes"),
            {
                content: "Attendance is on Uren gewerkt",
                trigger: `${FORM} div[name=hour_code_ids] .o_data_row:has(td${exact("Attendance")}) td[name=component_name]${exact(params.component_name)}`,
            },
        ]);
    },
});

registry.category("web_tour.tours").add("loket_readme_export_tour", {
    test: true,
    url: "/odoo",
    steps: () => {
        const params = tourParams("test_readme_tour.py");
        return patient([
            // 6. Timesheets → Reporting → Loket: the Period; the Preview → Generate and send to Loket.
            ...menuPath("Timesheets", "Reporting", "Loket"),
            {
                content: "Period",
                trigger: `${WIZARD} ${labelled("Period")}`,
                run() {
                    const input = document.getElementById(this.anchor.getAttribute("for"));
                    if (!input || !input.value.startsWith(params.period)) {
                        throw new Error(`The period is not ${params.period}: ${input && input.value}`);
                    }
                },
            },
            { content: "The Preview", trigger: `${WIZARD} .o_horizontal_separator${exact("Preview")}` },
            {
                content: "shows the file's rows",
                trigger: `${WIZARD} .o_loket_export_preview tbody:has(tr:nth-child(${params.row_count})):not(:has(tr:nth-child(${params.row_count + 1})))`,
            },
            {
                content: "Generate file only is offered too",
                trigger: `.modal footer button${exact("Generate file only")}`,
            },
            click(".modal footer", "Generate and send to Loket"),
            {
                content: "The export holds the CSV file for Loket",
                trigger: `${FORM} div[name=attachment_id]:contains(".csv")`,
            },
        ]);
    },
});
