import { CreateApps1732500000000 } from './1732500000000-create-apps';
import { CoreSync1732600000000 } from './1732600000000-core-sync';
import { StreamAppendFunction1732700000000 } from './1732700000000-stream-append-function';
import { DevicesAndSettings1732800000000 } from './1732800000000-devices-and-settings';
import { Recall1732900000000 } from './1732900000000-recall';
import { StreamAppendGenericPlan1733000000000 } from './1733000000000-stream-append-generic-plan';

/** Applied in this order; a migration, once released, is never edited. */
export const migrations = [CreateApps1732500000000, CoreSync1732600000000, StreamAppendFunction1732700000000, DevicesAndSettings1732800000000, Recall1732900000000, StreamAppendGenericPlan1733000000000];
