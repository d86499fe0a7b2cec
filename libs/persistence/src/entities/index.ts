import { AppEntity } from './app.entity';

export { AppEntity };
export const entities = [AppEntity];
