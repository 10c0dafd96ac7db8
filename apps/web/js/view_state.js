// A view's state in the page's URL (#/view/ID?key=value...) and its title, so that a
// view can be shared and reloaded as it was. Views write it with replaceState: no new
// history entry, no hashchange, no re-render.

export function setQuery(changes) {
  const [path, query = ''] = location.hash.split('?');
  const params = new URLSearchParams(query);
  for (const [k, v] of Object.entries(changes))
    if (v === null || v === undefined || v === '') params.delete(k); else params.set(k, String(v));
  const q = params.toString();
  history.replaceState(null, '', path + (q ? '?' + q : ''));
}

// "glassbox · inside · digits-1-3 · test #4 · dense_1 unit 3"
export function setTitle(...parts) {
  document.title = ['glassbox', ...parts.filter((p) => p !== null && p !== undefined && p !== '')].join(' · ');
}

// The inspected input named by the URL ({split, index}), or null.
export function inputFromQuery(params) {
  const index = params.get('index');
  if (index === null || !/^\d+$/.test(index)) return null;
  return { split: params.get('split') === 'unseen' ? 'unseen' : 'test', index: Number(index) };
}
