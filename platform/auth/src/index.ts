export { domainOfSubject, domainOfTopic } from './domains';
export { AccessDenied, TokenNotFound, TokenRequestInvalid, TokenStoreInsecure, TokenStoreInvalid, TokenStoreIoFailed, Unauthenticated } from './errors';
export { authorize, principalFromHeaders, type AuthorizeTarget } from './principal.headers';
export { actions, ALL_DOMAINS, can, DOMAIN_SCOPED, PERMISSIONS, roles, type Action, type Principal, type Role } from './roles';
export { createToken, TokenStore, type IssuedToken, type TokenCheck } from './token.store';
