import { CreateApps1732500000000 } from './1732500000000-create-apps';

/** Applied in this order; a migration, once released, is never edited. */
export const migrations = [CreateApps1732500000000];
