// What leaves the shared folder: the pieces both drivers use, so that each writes only what is
// particular to its database.
export { assembled, type Driver } from './assembled';
export { entryAt, entryJson } from './entry-json';
export { groupCommit } from './group-commit';
export { pickFairly, type Candidate } from './fair';
export { ENDED, POLLED, isEnded, isWatched } from './session-index';
export { localWatchers, type LocalWatchers } from './local-watchers';
