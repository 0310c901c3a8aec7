export declare const CLIENT_SEED: number;
export declare const SERVER_SEED: number;
/** SHA-256 (hex) of the first `bytes` bytes of the integrity programs' stream from `seed`. */
export declare function streamSha256(seed: number, bytes: number): string;
