// The draft editor page (runs in the browser; bundled by page-assets.ts with esbuild).
// `/?draft=<id>`: a `drafts` row (SQLite). `/?tenant=<id>`: seed 002's Tenant row (PostgreSQL),
// whose draft is the JSON document in `landingPageConfigDraft`.
import { autosave, type ConflictEntry, ConflictStore, resource } from 'noclobber/client';

type Doc = Record<string, unknown>;
interface Section {
  id: string;
  title: string;
}

const FIELDS = ['headline', 'subheadline', 'cta'] as const;
const $ = <E extends HTMLElement>(sel: string) => document.querySelector(sel) as E;
const params = new URLSearchParams(location.search);
const tenant = params.get('tenant');

/** Where the editable document sits in the resource: the whole row, or the Tenant's draft column. */
const doc = (v: Doc | undefined): Doc => ((tenant ? v?.landingPageConfigDraft : v) as Doc | undefined) ?? {};
const withDoc = (v: Doc, next: Doc): Doc => (tenant ? { ...v, landingPageConfigDraft: next } : next);

/** Shows `text` in an input, keeping the caret when it has focus — a value from elsewhere must replace a discarded one. */
function show(input: HTMLInputElement, text: string): void {
  if (input.value === text) return;
  const focused = document.activeElement === input;
  const [start, end] = [input.selectionStart, input.selectionEnd];
  input.value = text;
  if (focused)
    input.setSelectionRange(Math.min(start ?? text.length, text.length), Math.min(end ?? text.length, text.length));
}

async function main(): Promise<void> {
  const conflicts = new ConflictStore();
  const url = tenant
    ? `/tenants/${encodeURIComponent(tenant)}/draft`
    : `/drafts/${encodeURIComponent(params.get('draft') ?? 'landing')}`;
  const draft = resource<Doc>(url, { conflicts, attempts: Number(params.get('attempts') ?? 3) });
  await draft.get();
  const saver = autosave(draft, { debounceMs: Number(params.get('debounce') ?? 400) });
  const status = $('#status');

  const render = () => {
    const value = doc(saver.getSnapshot().value ?? draft.getSnapshot().value);
    for (const f of FIELDS) show($<HTMLInputElement>(`#${f}`), String(value[f] ?? ''));
    const sections = (value.sections as Section[] | undefined) ?? [];
    $('#sections').replaceChildren(
      ...sections.map((s) => {
        const li = document.createElement('li');
        li.textContent = s.title;
        li.dataset.id = s.id;
        return li;
      }),
    );
    const s = saver.getSnapshot();
    status.textContent =
      draft.getSnapshot().status === 'conflict' || s.held
        ? 'Conflict'
        : s.saving
          ? 'Saving…'
          : s.dirty
            ? 'Unsaved'
            : 'Saved';
    status.dataset.state = status.textContent;
  };
  draft.subscribe(render);
  saver.subscribe(render);
  render();
  for (const f of FIELDS) {
    $<HTMLInputElement>(`#${f}`).addEventListener('input', (e) => {
      const text = (e.target as HTMLInputElement).value;
      saver.edit((v) => withDoc(v, { ...doc(v), [f]: text }));
    });
  }
  $('#add-section').addEventListener('click', () => {
    const title = $<HTMLInputElement>('#section-title').value.trim();
    if (!title) return;
    const section: Section = { id: crypto.randomUUID(), title };
    saver.edit((v) =>
      withDoc(v, { ...doc(v), sections: [...((doc(v).sections as Section[] | undefined) ?? []), section] }),
    );
    $<HTMLInputElement>('#section-title').value = '';
  });

  const dialog = $<HTMLDialogElement>('#conflict');
  const showConflict = (entry: ConflictEntry) => {
    const choices: Record<string, 'mine' | 'theirs'> = {};
    const option = (path: string, side: 'mine' | 'theirs', value: unknown) => {
      const label = document.createElement('label');
      const radio = Object.assign(document.createElement('input'), {
        type: 'radio',
        name: path,
        value: side,
        checked: side === 'theirs',
      });
      const b = document.createElement('b');
      b.className = side;
      b.textContent = value === undefined ? '(removed)' : typeof value === 'string' ? value : JSON.stringify(value);
      label.append(radio, side === 'mine' ? ' Mine: ' : ' Theirs: ', b);
      return label;
    };
    $('#conflict-list').replaceChildren(
      ...entry.conflicts.map((c) => {
        const path = c.path.join('.');
        choices[path] = 'theirs';
        const row = document.createElement('fieldset');
        row.dataset.path = path;
        const legend = document.createElement('legend');
        legend.textContent = c.path.at(-1) ?? path;
        row.append(legend, option(path, 'mine', c.mine), option(path, 'theirs', c.theirs));
        row.addEventListener('change', (e) => {
          choices[path] = (e.target as HTMLInputElement).value as 'mine' | 'theirs';
        });
        return row;
      }),
    );
    $('#conflict-reason').textContent =
      entry.reason === 'exhausted'
        ? 'The draft kept changing while saving; your edit is kept here until you save it.'
        : 'Both of you edited the same field.';
    $('#resolve').onclick = async () => {
      dialog.close();
      await entry.resolve(choices);
    };
    if (!dialog.open) dialog.showModal();
  };
  conflicts.subscribe(() => {
    const [entry] = conflicts.getSnapshot();
    if (entry) showConflict(entry);
    else if (dialog.open) dialog.close();
  });
}

main().catch((e) => {
  document.body.dataset.error = String(e);
  console.error(e);
});
