/**
 * The full-disk scenario in a child process, for machines where the test may not mount but
 * an unprivileged user + mount namespace works: the test starts this under `unshare -rm`, so
 * the tmpfs mounted here is this process's own and disappears with it. Prints one line,
 * `report <JSON>`, and exits. Argument: an empty folder to mount the tmpfs on.
 */
import { fullDiskScenario, TMPFS_KIB } from './full-disk-scenario';
import { mountTmpfs, remountTmpfs } from '../../../support/small-tmpfs';

const dir = process.argv[2];
if (!dir) throw new Error('usage: full-disk-child.ts <mount dir>');
mountTmpfs(dir, TMPFS_KIB);
const report = await fullDiskScenario(dir, (mode) => remountTmpfs(dir, mode));
process.stdout.write(`report ${JSON.stringify(report)}\n`);
process.exit(0);
