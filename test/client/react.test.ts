import { ConflictStore, type Resource, resource } from 'noclobber/client';
import { useConflicts, useResource } from 'noclobber/react';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDraftServer } from './draft-server.js';

function View({ draft, conflicts }: { draft: Resource<{ title: string }>; conflicts: ConflictStore }) {
  const state = useResource(draft);
  const pending = useConflicts(conflicts);
  return createElement('p', null, `${state.value?.title} (${state.status}, ${pending.length} conflicts)`);
}

describe('noclobber/react', () => {
  let server: Awaited<ReturnType<typeof startDraftServer>>;
  beforeAll(async () => {
    server = await startDraftServer();
  });
  afterAll(() => server.close());

  it('useResource and useConflicts read the external stores', async () => {
    await server.drafts.create('r1', { id: 'r1', title: 'Hello', body: '', theme: null });
    const draft = resource<{ title: string }>(`${server.url}/drafts/r1`);
    await draft.get();
    const conflicts = new ConflictStore();
    expect(renderToString(createElement(View, { draft, conflicts }))).toContain('Hello (idle, 0 conflicts)');
  });
});
