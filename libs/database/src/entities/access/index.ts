import { CredentialEntity } from './credential.entity.js';
import { TraineeAccessCodeEntity } from './trainee-access-code.entity.js';
import { UserEntity } from './user.entity.js';

export { CredentialEntity, TraineeAccessCodeEntity, UserEntity };

/** Users, credentials and trainee access codes (libs/access). */
export const ACCESS_ENTITIES = [UserEntity, CredentialEntity, TraineeAccessCodeEntity];
