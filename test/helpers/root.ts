import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root directory. */
export const ROOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
