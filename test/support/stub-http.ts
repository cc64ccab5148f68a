import type { HttpClient, HttpRequest, HttpResponse } from '../../src/http/types.js';

/** Scripted answers in order; records requests; an unexpected request fails the test. */
export function stubHttp(...answers: HttpResponse[]): HttpClient & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    requests,
    async request(req) {
      requests.push(req);
      const next = answers.shift();
      if (!next) throw new Error(`unexpected request ${req.method} ${req.url}`);
      return next;
    },
  };
}
