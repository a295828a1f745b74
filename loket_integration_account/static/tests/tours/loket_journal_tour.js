/** @odoo-module **/
/**
 * The payroll journal in a real browser, run by tests/test_tour.py in English and for a
 * Dutch user: the integration's payroll journal (its unmapped-account warning), an Odoo
 * account chosen for Loket's ledger account, the journal runs, "Book in Odoo", the entry.
 * On the way, no column header of the runs list and the mapping lists may be cut off.
 * Selectors never depend on the language: field and button names, data from Loket.
 *
 * The test hands the tour what it set up in the `loket_journal_tour` cookie (URI-encoded JSON).
 */

import { registry } from "@web/core/registry";

function tourParams() {
    const prefix = "loket_journal_tour=";
    const cookie = document.cookie.split("; ").find((c) => c.startsWith(prefix));
    if (!cookie) {
        throw new Error("The loket_journal_tour cookie is missing: this tour runs from test_tour.py only.");
    }
    return JSON.parse(decodeURIComponent(cookie.slice(prefix.length)));
}

/** A step that fails when a column header of the lists in `scope` is cut off (ellipsis). */
function headersNotCut(scope, content) {
    return {
        content,
        trigger: `${scope} .o_list_table thead th`,
        run() {
            const cut = [...document.querySelectorAll(`${scope} .o_list_table thead th`)]
                .map((th) => th.querySelector(".text-truncate") || th)
                .filter((el) => el.textContent.trim() && el.scrollWidth > el.clientWidth + 1)
                .map((el) => `"${el.textContent.trim()}" (${el.scrollWidth} px in ${el.clientWidth} px)`);
            if (cut.length) {
                throw new Error(`Column headers cut off: ${cut.join(", ")}`);
            }
        },
    };
}

registry.category("web_tour.tours").add("loket_journal_book_tour", {
    test: true,
    steps: () => {
        const p = tourParams();
        return [
            headersNotCut(".o_list_view", "The payroll journals' headers are whole"),
            {
                content: "Open the integration's payroll journal",
                trigger: `.o_list_view tr.o_data_row td[name=integration_id]:contains(${p.integration})`,
                run: "click",
            },
            headersNotCut(".o_form_view div[name=account_ids]", "The ledger accounts' headers are whole"),
            {
                content: "The payroll journal says, as a warning, that a Loket ledger account has no Odoo account",
                trigger: `.o_form_view .alert-warning div[name=unmapped_count]:contains(1)`,
            },
            {
                content: `Open the mapping of Loket's ${p.code}`,
                trigger: `.o_form_view div[name=account_ids] tr.o_data_row:has(td[name=code]:contains(${p.code})) td[name=account_id]`,
                run: "click",
            },
            {
                content: `Type ${p.code}`,
                trigger: `.o_form_view div[name=account_ids] tr.o_selected_row td[name=account_id] input`,
                run: `edit ${p.code}`,
            },
            {
                content: `Choose ${p.account}`,
                trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item a:contains(${p.code})`,
                run: "click",
            },
            {
                content: "Save the payroll journal",
                trigger: ".o_form_view .o_form_button_save",
                run: "click",
            },
            {
                content: "Saved: no unmapped account any more",
                trigger: ".o_form_view .o_form_saved:not(:has(.alert-warning div[name=unmapped_count]))",
            },
            {
                content: "Cost centers and cost units",
                trigger: ".o_form_view .o_notebook a[name=analytics]",
                run: "click",
            },
            headersNotCut(".o_form_view div[name=analytic_ids]", "The cost centers' headers are whole"),
            {
                content: "Open the journal runs",
                trigger: ".o_form_view button[name=action_open_runs]",
                run: "click",
            },
            headersNotCut(".o_list_view", "The runs list's headers are whole"),
            {
                content: "The run's debit is in euros",
                trigger: `.o_list_view tr.o_data_row td[name=total_debit]:contains(€)`,
            },
            {
                content: `Book Loket's run ${p.sequence} in Odoo`,
                trigger: `.o_list_view tr.o_data_row:has(td[name=sequence_number]:contains(${p.sequence})) button[name=action_book]`,
                run: "click",
            },
            {
                content: "The journal entry opens, its reference naming Loket's run",
                trigger: ".o_form_view div[name=ref] input",
                run() {
                    const ref = document.querySelector(".o_form_view div[name=ref] input").value;
                    if (ref !== p.ref) {
                        throw new Error(`The entry's reference is ${JSON.stringify(ref)}, not ${JSON.stringify(p.ref)}`);
                    }
                },
            },
            {
                content: `The entry books on ${p.account}`,
                trigger: `.o_form_view div[name=line_ids] td[name=account_id]:contains(${p.code})`,
            },
        ];
    },
});
