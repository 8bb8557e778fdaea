// Package httpapi is the HTTP adapter: it maps both route families of the API
// contract onto the task use cases with Gin, and owns everything that is wire
// format: the task JSON, RFC 9457 problems, CORS, request ids and access logs.
//
// Each operation is one row of the route table (routes.go), with its handler
// and its documentation, and each member of the task's JSON is one entry of
// taskFields (wire.go), which writes it, reads it and describes it; apidocs
// renders the OpenAPI document from those two.
//
// Choices made where the contract is silent (the OpenAPI document must say the
// same):
//
//   - Problems: every error is application/problem+json with "type":
//     "about:blank" and "title" the HTTP status text, as RFC 9457 defines for
//     problems that mean no more than their status. Each status has one cause
//     in the contract's table, so clients switch on "status" and show "detail".
//     "errors" appears on 422 only. The one exception is the task limit, a
//     422 that is no broken rule: "type" "/problems/task-limit" (relative,
//     so it names the problem on any host), no "errors", and a "detail"
//     that names the limit.
//   - Times: RFC 3339 in UTC with exactly six fractional digits
//     ("2026-11-25T19:40:00.123456Z"), the precision the core keeps.
//   - Request bodies: the Content-Type is not checked. fetch() sends
//     text/plain for a string body unless told otherwise, and since every
//     route needs an Authorization header, no cross-site form can reach it, so
//     leniency costs nothing. The body is always parsed as one JSON object.
//     Keys match exactly (not case-insensitively, unlike encoding/json's
//     default); unknown and read-only keys are ignored.
//   - Empty body: 400 on create, PUT and PATCH (it is not a JSON object); on
//     /complete an empty or blank body, or an object without "completed",
//     toggles. /toggle reads its body only to fingerprint it for an
//     Idempotency-Key.
//   - Create: a missing or null "title" is 422 "is required"; a null
//     "description" or "completed" means the same as leaving it out.
//   - Order of checks: authentication, then the body (413, 400), then the use
//     case (403, 404, 422), so a request without a valid token never has its
//     body read.
//   - CORS: a preflight from an origin not in the list gets 403 problem+json
//     with no CORS headers; preflights never need a token. Every response
//     carries "Vary: Origin". Origins match exactly, ignoring case and a
//     trailing slash; "*" is ignored, never a wildcard.
//   - 401: "WWW-Authenticate: Bearer realm="todo"" when no bearer token was
//     sent (including another scheme), plus error="invalid_token" and an
//     error_description when the token was malformed or refused.
//   - Other names of a member (due_at, reminder_at, reminder_time,
//     recurrence_pattern, recurrence_rule): a member sent under two names
//     must say the same under both (the same JSON value; for recurrence_rule
//     the same recurrence), else 422 naming the first name in table order.
//     No name silently wins: a client that spreads a task it read (with
//     due_date) and sets due_at would lose its edit. A 422 names the field
//     as the body named it. A null inside "tags" is the wrong JSON type
//     (400), not an empty tag.
//   - Keywords (priorities, recurrences, list parameters' values) match in
//     any case, as the core reads them, so the document describes them with
//     case-insensitive patterns rather than enums, listing the words as
//     examples; the Task schema, which we write, has enums.
//   - Lists: unknown query parameters are ignored (names are
//     case-sensitive). A single-valued parameter sent twice, or under both
//     its names (sort and sort_by, search and q, status and completed), must
//     say the same each time, else 400. The 400's detail names the
//     parameter as sent and the values it allows. overdue=false is the same
//     as no overdue; cursor= (empty) is the first page; page and cursor
//     together are a 400.
//   - Link (RFC 8288): a path-absolute relative URL, the request's own path
//     and query with page or cursor replaced, re-encoded canonically;
//     pairs that net/http's query parser drops are dropped. Offset pages
//     link to page N+1 until that page would skip more than 10,000 tasks,
//     then to a cursor.
//   - Cursors: base64url of the position of the page's last task and 8
//     bytes of SHA-256 over the owner, filters, sort and direction. The page
//     size is not part of it, so a client may change limit mid-list. Not
//     secret: sorted by title, it holds the last title, case-folded. Only
//     the exact encoding this server makes decodes.
//   - Prefer: count=exact adds X-Total-Count and Preference-Applied:
//     count=exact (RFC 7240 §3, so a client can tell a count from an
//     ignored preference); every list response says Vary: Prefer.
//   - ETags (RFC 9110 §8.8.3): a task's is strong, its version in quotes
//     ("3"), so a client can build If-Match from the task's JSON; a list's
//     is weak, W/"…", an xxHash of the body, Link and X-Total-Count. The
//     header is sent as "Etag", net/http's canonical spelling (names are
//     case-insensitive).
//   - Preconditions: If-Match and If-None-Match are read on every task
//     route but create, in RFC 9110 §13.2.2's order: If-Match compares
//     strongly (a weak tag never matches), If-None-Match weakly. A read
//     answers 304 (ETag and the 200's headers, no body) or 412; a write
//     412 with the current ETag. Create has no task to require anything of
//     and ignores them. A header that is not "*" or a list of quoted tags
//     is a 400. Only a task the caller may see is compared: 401, 403 and
//     404 come first.
//   - Idempotency-Key: bare, or a structured-field string ("…" with \"
//     and \\ escapes), 1-255 visible ASCII characters once unquoted; sent
//     twice, a 400. The request's fingerprint is SHA-256 of its method,
//     its path as sent (not the query) and its body byte for byte, so a
//     retry must resend the same bytes. What is stored is the response as
//     sent: status, Location, ETag and body, replayed as they were with
//     Idempotent-Replayed: true. Nothing is stored for a 4xx or a 5xx: the
//     write changed nothing, and the key stays free for the request
//     corrected or retried.
//   - The two route families overlap: /api/{user_id}/tasks is the /tasks
//     family's collection, and would also be a task id to the short item
//     routes /api/{user_id}/{task_id}. The collection wins: it answers GET
//     and POST, and any other method there (PUT or DELETE with the id
//     forgotten, OPTIONS, HEAD) is a 405 with "Allow: GET, POST", as on the
//     short collection; no route answers HEAD or OPTIONS, and a CORS
//     preflight is answered before routing. Below the collection,
//     /api/{user_id}/tasks/{task_id} is the /tasks family's item, so an id
//     such as "tasks" or "toggle" there is a task id like any other (404).
//   - The trash and the change feed are the user's, beside the tasks:
//     /api/{user_id}/trash (its items /api/{user_id}/trash/{task_id} and
//     .../restore) and /api/{user_id}/changes, one path each, shared by
//     both families (the contract's paths; /tasks/trash would be a task id
//     to the /tasks family). Like /tasks, /trash and /changes win over the
//     short item routes: other methods there are a 405.
//   - The trash lists as a list pages (limit up to 1000, default 1000;
//     cursor from Link; page), without filters, sort or count; each task
//     carries deleted_at. A cursor of another trash, or a list's, is a 400.
//   - Change cursors (since, next, a change's cursor, X-Change-Cursor):
//     base64url of the feed's epoch and a change number, and 8 bytes of
//     SHA-256 over the user. Any since that does not decode to a cursor
//     issued for this user's feed is a 410, as one older than the changes
//     kept is: the remedy is the same, list again. An empty since is none.
//     next is the last change's cursor, or since itself when no change
//     followed, so a client may always keep next.
package httpapi
