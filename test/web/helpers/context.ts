// What the global setup hands to the test files.
declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    // Operator tokens by operator id, created before the server started; or
    // why they could not be.
    tokens: Record<string, string>;
    tokenError: string | null;
  }
}

export {};
