// The draft editor page (runs in the browser; bundled by server.ts with esbuild).
import { autosave, type ConflictEntry, ConflictStore, resource } from 'noclobber/client';

interface Draft {
  [field: string]: unknown;
  id: string;
  headline: string;
  subheadline: string;
  cta: string;
}

const FIELDS = ['headline', 'subheadline', 'cta'] as const;
const $ = <E extends HTMLElement>(sel: string) => document.querySelector(sel) as E;

async function main(): Promise<void> {
  const id = new URLSearchParams(location.search).get('draft') ?? 'landing';
  const conflicts = new ConflictStore();
  const draft = resource<Draft>(`/drafts/${id}`, { conflicts });
  await draft.get();
  const saver = autosave(draft, { debounceMs: Number(new URLSearchParams(location.search).get('debounce') ?? 400) });
  const status = $('#status');

  const render = () => {
    const value = saver.getSnapshot().value ?? draft.getSnapshot().value;
    for (const f of FIELDS) {
      const input = $<HTMLInputElement>(`#${f}`);
      if (document.activeElement !== input && value) input.value = String(value[f] ?? '');
    }
    const s = saver.getSnapshot();
    status.textContent = draft.getSnapshot().status === 'conflict' ? 'Conflict' : s.saving ? 'Saving…' : s.dirty ? 'Unsaved' : 'Saved';
    status.dataset.state = status.textContent;
  };
  draft.subscribe(render);
  saver.subscribe(render);
  render();
  for (const f of FIELDS) {
    $<HTMLInputElement>(`#${f}`).addEventListener('input', (e) => {
      const text = (e.target as HTMLInputElement).value;
      saver.edit((d) => ({ ...d, [f]: text }));
    });
  }

  const dialog = $<HTMLDialogElement>('#conflict');
  const show = (entry: ConflictEntry) => {
    const list = $('#conflict-list');
    list.replaceChildren();
    const choices: Record<string, 'mine' | 'theirs'> = {};
    for (const c of entry.conflicts) {
      const path = c.path.join('.');
      choices[path] = 'theirs';
      const row = document.createElement('fieldset');
      row.dataset.path = path;
      row.innerHTML = `<legend></legend>
        <label><input type="radio" name="${path}" value="mine"> Mine: <b class="mine"></b></label>
        <label><input type="radio" name="${path}" value="theirs" checked> Theirs: <b class="theirs"></b></label>`;
      (row.querySelector('legend') as HTMLElement).textContent = path;
      (row.querySelector('.mine') as HTMLElement).textContent = String(c.mine);
      (row.querySelector('.theirs') as HTMLElement).textContent = String(c.theirs);
      row.addEventListener('change', (e) => {
        choices[path] = (e.target as HTMLInputElement).value as 'mine' | 'theirs';
      });
      list.append(row);
    }
    $('#resolve').onclick = async () => {
      dialog.close();
      await entry.resolve(choices);
    };
    if (!dialog.open) dialog.showModal();
  };
  conflicts.subscribe(() => {
    const [entry] = conflicts.getSnapshot();
    if (entry) show(entry);
    else if (dialog.open) dialog.close();
  });
}

main().catch((e) => {
  document.body.dataset.error = String(e);
  console.error(e);
});
