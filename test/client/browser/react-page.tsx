// A React page on noclobber/react (bundled by the browser test with esbuild).
import { autosave, type ConflictEntry, ConflictStore, resource } from 'noclobber/client';
import { useAutosave, useConflicts, useResource } from 'noclobber/react';
import { createRoot } from 'react-dom/client';

interface Draft {
  [field: string]: unknown;
  id: string;
  title: string;
  body: string;
}

const params = new URLSearchParams(location.search);
const conflicts = new ConflictStore();
const draft = resource<Draft>(`/drafts/${params.get('draft')}`, {
  conflicts,
  attempts: Number(params.get('attempts') ?? 3),
  baseMs: 5,
});
await draft.get();
const saver = autosave(draft, { debounceMs: 100 });

function Conflict({ entry }: { entry: ConflictEntry }) {
  const keep = (side: 'mine' | 'theirs') =>
    void entry.resolve(Object.fromEntries(entry.conflicts.map((c) => [c.path.join('.'), side])));
  return (
    <li data-reason={entry.reason}>
      {entry.reason}:{' '}
      {entry.conflicts.map((c) => `${c.path.join('.')} mine=${String(c.mine)} theirs=${String(c.theirs)}`).join('; ') ||
        'no field clash'}
      <button type="button" id="keep-mine" onClick={() => keep('mine')}>
        Keep mine
      </button>
      <button type="button" id="keep-theirs" onClick={() => keep('theirs')}>
        Keep theirs
      </button>
    </li>
  );
}

function Editor() {
  const { value, dirty, saving, held } = useAutosave(saver);
  const { status } = useResource(draft);
  const pending = useConflicts(conflicts);
  const state = status === 'conflict' || held ? 'Conflict' : saving ? 'Saving' : dirty ? 'Unsaved' : 'Saved';
  return (
    <main>
      <p id="status" data-state={state}>
        {state}
      </p>
      {(['title', 'body'] as const).map((f) => (
        <input
          key={f}
          id={f}
          value={value?.[f] ?? ''}
          onChange={(e) => saver.edit((d) => ({ ...d, [f]: e.target.value }))}
        />
      ))}
      <ul id="conflicts">
        {pending.map((e) => (
          <Conflict key={e.id} entry={e} />
        ))}
      </ul>
    </main>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(<Editor />);
