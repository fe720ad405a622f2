export { ACTOR_HEADER, Actor, ApiActor, RequiresRole, ROLES_METADATA, Role } from './roles.js';
