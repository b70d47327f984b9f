import packageJson from '../package.json' with { type: 'json' };

/** The archiver's own version, recorded in every transcript's `source.archiver_version`. */
export const ARCHIVER_VERSION: string = packageJson.version;
