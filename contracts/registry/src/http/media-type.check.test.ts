import { describe, expect, it } from 'vitest';
import type { HttpRequest } from './http.types';
import { refuseNonJsonBody } from './media-type.check';

const request = (method: string, headers: HttpRequest['headers']): HttpRequest => ({ method, path: '/subjects/s-value/versions', headers, socket: {} });
const post = (contentType: string | undefined, contentLength = '12') =>
  refuseNonJsonBody(request('POST', { 'content-length': contentLength, ...(contentType === undefined ? {} : { 'content-type': contentType }) }));

describe('refuseNonJsonBody', () => {
  it('lets through the media types Confluent consumes, with parameters and in any case', () => {
    for (const contentType of [
      'application/vnd.schemaregistry.v1+json',
      'application/vnd.schemaregistry+json',
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/octet-stream',
    ]) {
      expect(post(contentType), contentType).toBeUndefined();
    }
  });

  it("refuses with 415 in Confluent's shape the types a cross-site form or fetch sends without a preflight", () => {
    for (const contentType of ['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      expect(post(contentType)?.toBody(), contentType).toEqual({
        error_code: 415,
        message: `HTTP 415 Unsupported Media Type: Content-Type '${contentType}' is not accepted. Send the body as JSON with Content-Type application/vnd.schemaregistry.v1+json (also accepted: application/vnd.schemaregistry+json, application/json, application/octet-stream).`,
      });
      expect(post(contentType)?.httpStatus).toBe(415);
    }
  });

  it('refuses a body sent without a Content-Type, but not a POST without a body', () => {
    expect(post(undefined)?.toBody()).toEqual({ error_code: 415, message: expect.stringContaining('a request body without a Content-Type is not accepted') });
    expect(refuseNonJsonBody(request('PUT', { 'transfer-encoding': 'chunked' }))?.httpStatus).toBe(415);
    expect(post(undefined, '0')).toBeUndefined();
    expect(refuseNonJsonBody(request('POST', {}))).toBeUndefined();
  });

  it('checks PUT as POST and leaves reads and deletes alone', () => {
    expect(refuseNonJsonBody(request('PUT', { 'content-type': 'text/plain', 'content-length': '20' }))?.httpStatus).toBe(415);
    expect(refuseNonJsonBody(request('GET', { 'content-type': 'text/plain' }))).toBeUndefined();
    expect(refuseNonJsonBody(request('DELETE', { 'content-type': 'text/plain' }))).toBeUndefined();
  });
});
