/** @odoo-module **/
/**
 * What the Loket tours share: the values the test hands them and the two web_tour steps
 * they use.
 */

import { session } from "@web/session";

/**
 * `step`, which leaves the page (a settings Save reloads it, Connect goes to Loket's login):
 * Odoo 19.0's tour runner stops a tour whose page unloads unless the step says so with
 * `expectUnloadPage`, a key 18.0's step schema refuses (an error in the console fails the
 * tour), so it is set on 19.0 only.
 */
export function leavesPage(step) {
    const series = session.server_version_info?.[0] ?? 0;
    return series >= 19 ? { ...step, expectUnloadPage: true } : step;
}

/**
 * The two steps of web_tour's stepUtils these tours use, written here: stepUtils moved
 * between Odoo series (`@web_tour/tour_service/tour_utils` in 18.0, `@web_tour/tour_utils`
 * in 19.0) and an import of the other series' path fails to load the tours. Same triggers
 * as Odoo's on both (Community's apps menu, the form's save button).
 */
export const stepUtils = {
    goToAppSteps(menuXmlid, content) {
        return [
            { content: "Open the apps menu", trigger: ".o_navbar_apps_menu button:enabled", run: "click" },
            { content, trigger: `.o_app[data-menu-xmlid="${menuXmlid}"]`, run: "click" },
        ];
    },
    saveForm() {
        return [
            { content: "save form", trigger: ".o_form_button_save:enabled", run: "click" },
            { content: "wait for save completion", trigger: ".o_form_readonly, .o_form_saved" },
        ];
    },
};

/** What the test set up (the fake Loket's or the sandbox's URLs, names, the period to
 * export), from the `loket_tour` cookie as URI-encoded JSON. */
export function tourParams(runBy) {
    const prefix = "loket_tour=";
    const cookie = document.cookie.split("; ").find((c) => c.startsWith(prefix));
    if (!cookie) {
        throw new Error(`The loket_tour cookie is missing: this tour runs from ${runBy} only.`);
    }
    return JSON.parse(decodeURIComponent(cookie.slice(prefix.length)));
}
