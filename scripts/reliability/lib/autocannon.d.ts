// The part of autocannon 9 the load script uses; the package ships no types.
declare module "autocannon" {
  type Request = { method?: string; path: string; headers?: Record<string, string> };
  type Options = {
    url: string;
    connections: number;
    duration: number;
    timeout?: number;
    requests?: Request[];
  };
  type Result = {
    requests: { total: number; average: number };
    throughput: { total: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
  };
  type Instance = Promise<Result> & {
    on(event: "response", listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
    stop(): void;
  };
  function autocannon(options: Options): Instance;
  export default autocannon;
}
