import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

/**
 * Object storage for product images: a real directory on disk standing in for S3 /
 * UploadThing. `failNextDeletes(n)` makes the next n deletes throw, as a flaky storage
 * API does; `beforePut` runs while an upload is in flight (to race it in tests).
 *
 * @example
 * ```ts
 * const blobs = new BlobStore('/tmp/blobs');
 * await blobs.put('products/p1/a.jpg', bytes);
 * ```
 */
export class BlobStore {
  readonly root: string;
  /** Called as each upload starts, before its bytes are stored. */
  beforePut: ((key: string) => Promise<void>) | undefined;
  #failDeletes = 0;

  constructor(root: string) {
    this.root = root;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.beforePut?.(key);
    const path = join(this.root, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }

  async delete(key: string): Promise<void> {
    if (this.#failDeletes > 0) {
      this.#failDeletes--;
      throw new Error(`storage unavailable while deleting ${key}`);
    }
    await rm(join(this.root, key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    return stat(join(this.root, key)).then(
      () => true,
      () => false,
    );
  }

  /** Every stored key, sorted. */
  async list(): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else out.push(relative(this.root, path));
      }
    };
    await walk(this.root);
    return out.sort();
  }

  failNextDeletes(n: number): void {
    this.#failDeletes = n;
  }
}
