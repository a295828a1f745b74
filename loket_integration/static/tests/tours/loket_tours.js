/** @odoo-module **/
/**
 * Browser tours of the Loket integration, run by loket_integration/tests/test_tours.py
 * in English and for a Dutch user. Selectors never depend on the language: field names
 * (div[name=...]), button names, data attributes, and data that comes from Loket.
 *
 * The test hands the tours what it set up (the fake Loket's URLs, names, the period to
 * export) in the `loket_tour` cookie, as URI-encoded JSON.
 */

import { registry } from "@web/core/registry";
import { leavesPage, stepUtils, tourParams } from "@loket_integration/../tests/tours/loket_tour_steps";

/** `text` quoted for :contains() and :value(), which take names such as Jan van 't Jansen. */
function q(text) {
    return JSON.stringify(String(text));
}

/** A tour that starts on the home page, its steps made from the test's parameters. */
function addLoketTour(name, steps) {
    registry.category("web_tour.tours").add(name, {
        test: true,
        url: "/odoo",
        steps: () => steps(tourParams("test_tours.py")),
    });
}

/** Type `text` into the many2one `field` (within `scope`) and pick the option containing `option`. */
function pickMany2one(scope, field, text, option = text) {
    return [
        {
            content: `Type ${text} in ${field}`,
            trigger: `${scope} div[name=${field}] input`,
            run: `edit ${text}`,
        },
        {
            content: `Choose ${option}`,
            trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item:not(.o_m2o_dropdown_option) a:contains(${q(option)})`,
            run: "click",
        },
    ];
}

/** Click the form button `name` and wait until its action is done (Odoo disables the buttons meanwhile). */
function clickAndWait(scope, name, content) {
    return [
        { content, trigger: `${scope} button[name=${name}]:enabled`, run: "click" },
        { content: `${content}: done`, trigger: `${scope} button[name=${name}]:enabled` },
    ];
}

const FORM = ".o_action_manager .o_form_view";

addLoketTour("loket_connect_configure_tour", (params) => [
    // Settings → Loket.nl → Add Loket integration
    ...stepUtils.goToAppSteps("base.menu_administration", "Open the Settings"),
    {
        content: "Open the Loket.nl settings",
        trigger: ".settings_tab .tab[data-key=loket_integration]",
        run: "click",
    },
    {
        content: "The OAuth client id is configured",
        trigger: `.app_settings_block[data-key=loket_integration] div[name=loket_client_id] input:value(${q(params.client_id)})`,
    },
    {
        content: "Add Loket integration",
        trigger: ".app_settings_block[data-key=loket_integration] button[name=action_add_loket_integration]:enabled",
        run: "click",
    },
    // The new integration: the fake Loket's custom URLs, then Connect.
    {
        content: "The new integration is named after the company",
        trigger: `${FORM} div[name=name] input:value(${q(params.company)})`,
    },
    {
        content: "Use custom Loket URLs",
        trigger: `${FORM} div[name=environment] input[data-value=custom]`,
        run: "click",
    },
    {
        content: "API URL of the fake Loket",
        trigger: `${FORM} div[name=api_url] input`,
        run: `edit ${params.api_url}`,
    },
    {
        content: "OAuth URL of the fake Loket",
        trigger: `${FORM} div[name=oauth_url] input`,
        run: `edit ${params.oauth_url}`,
    },
    leavesPage({
        content: "Connect: log in at Loket, which sends the browser back to Odoo",
        trigger: `${FORM} .o_statusbar_buttons button[name=action_connect]:enabled`,
        run: "click",
    }),
    {
        content: "Back from Loket: the integration is connected",
        trigger: `${FORM} .o_statusbar_status button[data-value=connected][aria-checked=true]`,
        timeout: 20000,
    },
    // The payroll administration: the login reaches two, this integration exports to one.
    ...pickMany2one(FORM, "administration_option_id", params.administration, `(${params.client_number})`),
    {
        content: "Choosing the administration fills its payroll client number",
        trigger: `${FORM} div[name=client_number] input:value(${q(params.client_number)})`,
    },
    ...stepUtils.saveForm(),
    // A cost center: an Odoo department on a Loket distribution unit
    {
        content: "Open the cost centers",
        trigger: `${FORM} .o_notebook a[name=cost_centers]`,
        run: "click",
    },
    ...clickAndWait(FORM, "action_refresh_distribution_units", "Fetch the distribution units from Loket"),
    {
        content: "Add a cost center",
        trigger: `${FORM} div[name=cost_center_ids] .o_field_x2many_list_row_add a`,
        run: "click",
    },
    ...pickMany2one(`${FORM} div[name=cost_center_ids] .o_selected_row`, "department_id", params.department),
    ...pickMany2one(
        `${FORM} div[name=cost_center_ids] .o_selected_row`,
        "distribution_unit_id",
        params.distribution_unit
    ),
    ...stepUtils.saveForm(),
    {
        content: "The cost center is saved",
        trigger: `${FORM} div[name=cost_center_ids] .o_data_row td[name=distribution_unit_id]:contains(${q(params.distribution_unit)})`,
    },
    // An hour code: the worked hours code on a Loket payroll component
    {
        content: "Open the hour codes",
        trigger: `${FORM} .o_notebook a[name=hour_codes]`,
        run: "click",
    },
    ...clickAndWait(FORM, "action_refresh_payroll_components", "Fetch the payroll components from Loket"),
    ...clickAndWait(FORM, "action_add_used_hour_codes", "Add the hour codes in use (the worked hours code)"),
    {
        content: "Edit the hour code's Loket component",
        trigger: `${FORM} div[name=hour_code_ids] .o_data_row td[name=component_number]`,
        run: "click",
    },
    {
        content: "Loket component of worked hours",
        trigger: `${FORM} div[name=hour_code_ids] .o_selected_row div[name=component_number] input`,
        run: `edit ${params.component_number}`,
    },
    ...stepUtils.saveForm(),
    {
        content: "The hour code shows Loket's name of the component",
        trigger: `${FORM} div[name=hour_code_ids] .o_data_row td[name=component_name]:contains(${q(params.component_name)})`,
    },
    // Loket employees: fetch them, add them all
    {
        content: "Fetch the employees from Loket",
        trigger: `${FORM} .o_statusbar_buttons button[name=action_fetch_employees]:enabled`,
        run: "click",
    },
    {
        content: "The Loket employees are listed",
        trigger: `.o_list_view .o_data_row:contains(${q(params.employee_name)})`,
    },
    {
        content: "Select all Loket employees",
        trigger: ".o_list_view thead .o_list_record_selector input",
        run: "click",
    },
    {
        content: "Add them all to Odoo",
        trigger: ".o_control_panel button[name=action_add]:enabled",
        run: "click",
    },
    {
        content: "A notification says how many employees were added",
        trigger: `.o_notification.o_loket_applied:contains(${q(params.employee_count)})`,
    },
    {
        content: "Nothing left to decide: the list shows every Loket employee, added",
        trigger: `.o_list_view .o_data_row:contains(${q(params.employee_name)}) td[name=status] .text-bg-success`,
    },
    {
        content: "No Loket employee is left to decide",
        trigger: ".o_list_view:not(:has(.o_data_row td[name=status] .text-bg-info))",
    },
    // The employee form shows its Loket binding
    ...stepUtils.goToAppSteps("hr.menu_hr_root", "Open Employees"),
    {
        content: "Open an employee added from Loket",
        trigger: `.o_kanban_record:contains(${q(params.employee_name)})`,
        run: "click",
    },
    {
        content: "Open the employee's Loket tab",
        trigger: `${FORM} .o_notebook a[name=loket]`,
        run: "click",
    },
    {
        content: "The employee is bound to its Loket employee number",
        trigger: `${FORM} div[name=loket_employee_number]:contains(${q(params.employee_number)})`,
    },
    {
        content: "and to the integration",
        trigger: `${FORM} div[name=loket_integration_id]:contains(${q(params.company)})`,
    },
]);

const WIZARD = ".modal .o_form_view:has(div[name=period_id])";

addLoketTour("loket_export_tour", (params) => [
    // Timesheets → Reporting → Loket
    ...stepUtils.goToAppSteps("hr_timesheet.timesheet_menu_root", "Open Timesheets"),
    {
        content: "Open the Reporting menu",
        trigger: ".o_main_navbar [data-menu-xmlid='hr_timesheet.menu_timesheets_reports']",
        run: "click",
    },
    {
        content: "Open the Loket export",
        trigger: ".dropdown-item[data-menu-xmlid='loket_integration.menu_loket_export_wizard']",
        run: "click",
    },
    {
        content: "The export opens on the period due",
        trigger: `${WIZARD} div[name=period_id] input:value(/^${params.default_period}/)`,
    },
    // Another period than the default
    {
        content: "The year of the period to export",
        trigger: `${WIZARD} div[name=year] input`,
        run: `edit ${params.year}`,
    },
    ...pickMany2one(WIZARD, "period_id", params.period),
    // Only two employees
    {
        content: "Export the selected employees only",
        trigger: `${WIZARD} div[name=employee_scope] input[data-value=selected]`,
        run: "click",
    },
    ...params.employees.flatMap((name) => pickMany2one(WIZARD, "selected_employee_ids", name)),
    // The preview: the two employees, nobody else
    ...params.employees.map((name) => ({
        content: `The preview shows ${name}`,
        trigger: `${WIZARD} .o_loket_export_preview tbody tr:contains(${q(name)})`,
    })),
    {
        content: "The preview shows the two employees only",
        trigger: `${WIZARD} .o_loket_export_preview tbody:has(tr:nth-child(${params.employees.length})):not(:has(tr:nth-child(${params.employees.length + 1})))`,
    },
    {
        content: "Generate",
        trigger: `.modal footer button[name=action_generate]:enabled`,
        run: "click",
    },
    // The export and its file
    {
        content: "The export shows its file",
        trigger: `${FORM} div[name=attachment_id]:contains(".csv")`,
    },
    {
        content: "Open the exported employees",
        trigger: `${FORM} .o_notebook a[name=employees]`,
        run: "click",
    },
    ...params.employees.map((name) => ({
        content: `The export lists ${name}`,
        trigger: `${FORM} div[name=employee_ids] .o_tag:contains(${q(name)})`,
    })),
]);
