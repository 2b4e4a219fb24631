/**
 * The console's only assets, served by the proxy itself (no CDN, nothing fetched from elsewhere):
 * one stylesheet and one small script for the live inbox. Kept as text here rather than built, so
 * `pnpm build` needs no bundler for them.
 */

export const CONSOLE_CSS = `
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #fff; --muted: #5a5a5a; --line: #c8c8c8;
  --accent: #0b5cad; --ok: #1a6b2f; --bad: #a4262c; font-family: system-ui, sans-serif; }
@media (prefers-color-scheme: dark) { :root { --fg: #f0f0f0; --bg: #161616; --muted: #b8b8b8;
  --line: #444; --accent: #7cb7ff; --ok: #7fd08f; --bad: #ff9a9f; } }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); line-height: 1.45; }
header { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .6rem 1rem;
  border-bottom: 1px solid var(--line); }
header .brand { font-weight: 700; color: var(--fg); text-decoration: none; }
nav { display: flex; gap: 1rem; flex-wrap: wrap; }
.who { margin-left: auto; display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
main { padding: 1rem; max-width: 72rem; margin: 0 auto; overflow-wrap: break-word; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible, summary:focus-visible {
  outline: 3px solid var(--accent); outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; display: block; overflow-x: auto; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
dl { display: grid; grid-template-columns: minmax(6rem, max-content) 1fr; gap: .3rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; min-width: 0; }
pre, code { font-family: ui-monospace, monospace; font-size: .9em; white-space: pre-wrap; overflow-wrap: anywhere; }
form { display: grid; gap: .4rem; max-width: 40rem; margin: 1rem 0; }
form.who, form.filters { display: flex; flex-wrap: wrap; max-width: none; margin: 0; }
input, textarea, button { font: inherit; padding: .35rem .5rem; color: var(--fg); background: var(--bg);
  border: 1px solid var(--muted); border-radius: 4px; }
button { cursor: pointer; background: var(--accent); color: var(--bg); border-color: var(--accent); }
button.deny { background: var(--bad); border-color: var(--bad); }
.buttons { display: flex; gap: .5rem; flex-wrap: wrap; }
.state { border: 1px solid currentColor; border-radius: 3px; padding: 0 .3rem; font-size: .9em; white-space: nowrap; }
.state-completed, .health-active, .valid h2 { color: var(--ok); }
.state-denied, .state-failed, .state-interrupted, .health-quarantined, .broken h2, .problem { color: var(--bad); }
.empty, .live, .why-not { color: var(--muted); }
fieldset { border: 1px solid var(--line); }
`;

/**
 * The inbox, live: asks the proxy for the lists again, held until they change (at most 25 s), and
 * puts the new lists in place; the server renders them (escaped), so no text is built here.
 */
export const INBOX_JS = `
(function () {
  var lists = document.getElementById('inbox-lists');
  var status = document.getElementById('live-status');
  if (!lists) return;
  function follow() {
    fetch('/console/inbox/lists?tag=' + encodeURIComponent(lists.dataset.tag || ''), { credentials: 'same-origin' })
      .then(function (answer) {
        if (answer.status === 401) { window.location.assign('/console/sign-in'); return; }
        if (!answer.ok) throw new Error('the proxy answered ' + answer.status);
        return answer.text().then(function (text) {
          var tag = answer.headers.get('x-inbox-tag');
          if (tag && tag !== lists.dataset.tag) { lists.innerHTML = text; lists.dataset.tag = tag; }
          status.textContent = 'Live: this page updates as requests arrive and are decided.';
          follow();
        });
      })
      .catch(function () {
        status.textContent = 'Not live: the proxy cannot be reached. Trying again in 5 seconds.';
        setTimeout(follow, 5000);
      });
  }
  follow();
})();
`;

/** The tab's icon, served here so the browser asks nobody else (and not the API) for one. */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b5cad"/><path d="M4 8.5l2.5 2.5L12 5.5" stroke="#fff" stroke-width="2" fill="none"/></svg>';
