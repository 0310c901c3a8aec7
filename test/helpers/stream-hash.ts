// The integrity programs' reference hash, shared with `npm run soak`.
export { CLIENT_SEED, SERVER_SEED, streamSha256 } from '../../tools/stream-hash.mjs';
