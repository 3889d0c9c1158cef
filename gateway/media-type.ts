// Content-Type matching for the HTTP endpoints: the media type is what comes
// before any ';' parameters, compared without case and surrounding spaces
// (RFC 9110 section 8.3.1). `application/json; charset=utf-8` is JSON;
// `application/jsonx` is not.

/** The media type of a Content-Type header value, lower case ('' when there is none). */
export function mediaType(contentType: string): string {
  const semi = contentType.indexOf(';')
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
}
