package httpapi

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/adapters/httpapi/apidocs"
	"github.com/todoapi/todo/core/task"
)

// family is one of the two sets of paths that reach the same task
// operations: the original ones, /api/{user_id}/ and
// /api/{user_id}/{task_id}, and the /tasks ones that many existing
// frontends call, /api/{user_id}/tasks and /api/{user_id}/tasks/{task_id}.
type family struct {
	segment string // what stands between the user id and the task id
	tag     apidocs.Tag
}

var (
	shortPaths = family{segment: "", tag: apidocs.Tag{Name: "tasks",
		Description: "Task routes: `/api/{user_id}/` and `/api/{user_id}/{task_id}`"}}
	tasksPaths = family{segment: "/tasks", tag: apidocs.Tag{Name: "tasks (/tasks routes)",
		Description: "The same operations under `/api/{user_id}/tasks`"}}
)

// location is the URL of a task in the family, for a created task's
// Location header: the client stays in the family it used.
func (f family) location(t *task.Task) string {
	return "/api/" + url.PathEscape(string(t.Owner())) + f.segment + "/" + t.ID().String()
}

// route is one row of the route table: an operation, the handler that
// serves it, and what the OpenAPI document says about it. Exactly one of
// authed and public is set.
type route struct {
	doc    apidocs.Operation
	authed authedHandler   // acts for the user the token names
	public gin.HandlerFunc // needs no token
}

// task is a row of the family: an operation that acts for a user, so it
// also answers 401 and 403, is rate limited, so 429, and reaches the
// store, so 500 and 503.
func (f family) task(method, path, id string, h authedHandler, doc apidocs.Operation) route {
	doc.Method, doc.Path, doc.ID, doc.Tag = method, path, id, f.tag.Name
	doc.Errors = append(append([]int{http.StatusUnauthorized, http.StatusForbidden}, doc.Errors...),
		http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable)
	return route{doc: doc, authed: h}
}

// routeTable lists every operation of the server but the API documents'
// own, which apidocs serves and describes. The router registers exactly
// these and the OpenAPI document describes exactly these, so neither can
// drift from the other.
func (s *server) routeTable() []route {
	short, tasks := shortPaths, tasksPaths
	const get, post, put, patch, del = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete
	return []route{
		{doc: healthDoc, public: s.healthz},
		{doc: readyDoc, public: s.readyz},

		short.task(get, "/api/:user_id", "listTasks", s.list, listDoc),
		short.task(get, "/api/:user_id/", "listTasksTrailingSlash", s.list, listDoc),
		short.task(post, "/api/:user_id", "createTask", s.create(short), createDoc),
		short.task(post, "/api/:user_id/", "createTaskTrailingSlash", s.create(short), createDoc),
		short.task(get, "/api/:user_id/:task_id", "getTask", s.get, getDoc),
		short.task(put, "/api/:user_id/:task_id", "replaceTask", s.update, updateDoc),
		short.task(patch, "/api/:user_id/:task_id", "patchTask", s.update, updateDoc),
		short.task(del, "/api/:user_id/:task_id", "deleteTask", s.delete, deleteDoc),
		short.task(patch, "/api/:user_id/:task_id/toggle", "toggleTask", s.toggle, toggleDoc),

		tasks.task(get, "/api/:user_id/tasks", "listTasksViaTasksPath", s.list, listDoc),
		tasks.task(get, "/api/:user_id/tasks/", "listTasksViaTasksPathTrailingSlash", s.list, listDoc),
		tasks.task(post, "/api/:user_id/tasks", "createTaskViaTasksPath", s.create(tasks), createDoc),
		tasks.task(post, "/api/:user_id/tasks/", "createTaskViaTasksPathTrailingSlash", s.create(tasks), createDoc),
		tasks.task(get, "/api/:user_id/tasks/:task_id", "getTaskViaTasksPath", s.get, getDoc),
		tasks.task(put, "/api/:user_id/tasks/:task_id", "replaceTaskViaTasksPath", s.update, updateDoc),
		tasks.task(patch, "/api/:user_id/tasks/:task_id", "patchTaskViaTasksPath", s.update, updateDoc),
		tasks.task(del, "/api/:user_id/tasks/:task_id", "deleteTaskViaTasksPath", s.delete, deleteDoc),
		tasks.task(patch, "/api/:user_id/tasks/:task_id/complete", "completeTaskViaTasksPath", s.complete, completeDoc),

		syncPaths.task(get, "/api/:user_id/trash", "listTrash", s.listTrash, trashDoc),
		syncPaths.task(post, "/api/:user_id/trash/:task_id/restore", "restoreTask", s.restore, restoreDoc),
		syncPaths.task(del, "/api/:user_id/trash/:task_id", "purgeTask", s.purge, purgeDoc),
		syncPaths.task(get, "/api/:user_id/changes", "listChanges", s.changes, changesDoc),
		syncPaths.task(get, "/api/:user_id/events", "streamEvents", s.stream, eventsDoc),
		syncPaths.task(post, "/api/:user_id/events/tickets", "createEventTicket", s.issueTicket, ticketDoc),
	}
}

// What the document says about each operation, whichever family serves it.
var (
	taskResponse = apidocs.SchemaRef("Task")

	listDoc = apidocs.Operation{
		Summary: "List the user's tasks: filtered, sorted, a page at a time",
		Description: "Without parameters: every task, newest first, " + strconv.Itoa(task.DefaultListLimit) + " at most, with a `Link` " +
			"to the next page when there are more. Unknown parameters are ignored; a known one with a value outside its set is a 400 " +
			"whose `detail` names it and what it allows.",
		Parameters: append(listParameterNames(), readConditions...),
		Success: apidocs.Response{Status: http.StatusOK, Schema: apidocs.ArrayOf(taskResponse),
			Headers:     []string{"Link", "X-Total-Count", "Preference-Applied", "X-Change-Cursor", "ETag"},
			Description: "The page of the user's tasks that match, in the order asked for (an empty array when none match)."},
		Errors: []int{http.StatusNotModified, http.StatusBadRequest, http.StatusPreconditionFailed},
	}
	createDoc = apidocs.Operation{
		Summary:    "Create a task",
		Parameters: []string{paramIdempotencyKey},
		Body:       &apidocs.Body{Schema: "TaskCreate", Required: true},
		Success: apidocs.Response{Status: http.StatusCreated, Description: "The created task.", Schema: taskResponse, Location: true,
			Headers: []string{"ETag", replayedHeader}},
		Errors:    []int{http.StatusBadRequest, http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity},
		Responses: limited,
	}
	getDoc = apidocs.Operation{
		Summary:    "Get one task",
		Parameters: readConditions,
		Success:    apidocs.Response{Status: http.StatusOK, Description: "The task.", Schema: taskResponse, Headers: []string{"ETag"}},
		Errors:     []int{http.StatusNotModified, http.StatusBadRequest, http.StatusNotFound, http.StatusPreconditionFailed},
	}
	// limited gives the writes that the task limit can refuse (create,
	// restore) its 422.
	limited = map[int]string{http.StatusUnprocessableEntity: apidocs.InvalidOrLimit}
	// writeErrors are those of every write on a task.
	writeErrors = []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusPreconditionFailed,
		http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity}
	updateDoc = apidocs.Operation{
		Summary: "Update the fields given (merge semantics; PUT and PATCH behave alike)",
		Description: "Only the fields present change. `\"description\": null` clears the description; " +
			"`\"title\": null` is a 422. Read-only and unknown fields are ignored.",
		Parameters: writeConditions,
		Body:       &apidocs.Body{Schema: "TaskUpdate", Required: true},
		Success:    apidocs.Response{Status: http.StatusOK, Description: "The updated task.", Schema: taskResponse, Headers: []string{"ETag", replayedHeader}},
		Errors:     writeErrors,
	}
	deleteDoc = apidocs.Operation{
		Summary:     "Delete a task: move it to the trash",
		Description: "The task leaves every list and answers 404 from then on; `POST /api/{user_id}/trash/{task_id}/restore` brings it back.",
		Parameters:  writeConditions,
		Success:     apidocs.Response{Status: http.StatusNoContent, Description: "Moved to the trash; no body.", Headers: []string{replayedHeader}},
		Errors:      writeErrors,
	}
	toggleDoc = apidocs.Operation{
		Summary:     "Flip the task's completed flag",
		Description: "The body is not read, except to tell a retry from another request under an `Idempotency-Key`.",
		Parameters:  writeConditions,
		Success:     apidocs.Response{Status: http.StatusOK, Description: "The task after the flip.", Schema: taskResponse, Headers: []string{"ETag", replayedHeader}},
		Errors:      writeErrors,
	}
	completeDoc = apidocs.Operation{
		Summary:    "Set the completed flag, or flip it when no body is sent",
		Parameters: writeConditions,
		Body:       &apidocs.Body{Schema: "TaskComplete"},
		Success:    apidocs.Response{Status: http.StatusOK, Description: "The task after the change.", Schema: taskResponse, Headers: []string{"ETag", replayedHeader}},
		Errors:     writeErrors,
	}

	statusResponse = apidocs.Object{"type": "object", "required": []any{"status"}, "properties": apidocs.Object{"status": apidocs.Object{"type": "string"}}}
	healthDoc      = apidocs.Operation{
		Method: http.MethodGet, Path: "/healthz", ID: "health", Tag: apidocs.OperationsTag, Public: true,
		Summary:     "Liveness: the process is up",
		Description: "Answers 200 while the process runs; it checks no dependency.",
		Success:     apidocs.Response{Status: http.StatusOK, Description: "OK.", Schema: statusResponse},
	}
	readyDoc = apidocs.Operation{
		Method: http.MethodGet, Path: "/readyz", ID: "ready", Tag: apidocs.OperationsTag, Public: true,
		Summary:     "Readiness: the database is reachable and the server is not shutting down",
		Description: "Answers 200 when the database answers a ping, 503 with Retry-After when it does not, and 503 at once, without asking the database, from the moment the server is told to shut down (SIGTERM): a load balancer should stop sending requests then.",
		Success:     apidocs.Response{Status: http.StatusOK, Description: "OK.", Schema: statusResponse},
		Errors:      []int{http.StatusServiceUnavailable},
	}
)

// OpenAPI returns the API's OpenAPI document, as the server serves it at
// /openapi.json, for tools and tests that need it without a server.
func OpenAPI() *apidocs.Document { return apidocs.New(api((&server{}).routeTable())) }

// api is what the OpenAPI document describes, from the route table and the
// wire shapes.
func api(table []route) apidocs.API {
	ops := make([]apidocs.Operation, len(table))
	for i, r := range table {
		ops[i] = r.doc
	}
	schemas, params, headers := taskSchemas(), parameters(), responseHeaders()
	for name, o := range syncSchemas(schemas["Task"]) {
		schemas[name] = o
	}
	for name, o := range syncParameters {
		params[name] = o
	}
	for name, o := range eventParameters {
		params[name] = o
	}
	for name, o := range eventSchemas {
		schemas[name] = o
	}
	for name, o := range changeCursorHeader {
		headers[name] = o
	}
	return apidocs.API{
		Tags: []apidocs.Tag{shortPaths.tag, tasksPaths.tag, syncPaths.tag,
			{Name: apidocs.OperationsTag, Description: "Health, readiness and documentation"}},
		Operations: ops,
		Schemas:    schemas,
		Parameters: params,
		Headers:    headers,
	}
}

// refusal is a path of the table whose methods another path would take
// over: PUT /api/u/tasks would reach PUT /api/:user_id/:task_id with the
// task id "tasks" and answer 404, though the client only forgot the id.
// Those methods answer 405 with the path's own Allow instead.
type refusal struct {
	path    string
	methods []string // to refuse
	allow   string   // the path's own methods, as the Allow header lists them
}

// refusals finds the refusals of the table.
func refusals(table []route) []refusal {
	methods := map[string][]string{}
	var paths []string
	for _, r := range table {
		if methods[r.doc.Path] == nil {
			paths = append(paths, r.doc.Path)
		}
		methods[r.doc.Path] = append(methods[r.doc.Path], r.doc.Method)
	}
	var out []refusal
	for _, p := range paths {
		r := refusal{path: p, allow: strings.Join(methods[p], ", ")}
		for _, q := range paths {
			if p == q || !takes(q, p) {
				continue
			}
			for _, m := range methods[q] {
				if !slices.Contains(methods[p], m) && !slices.Contains(r.methods, m) {
					r.methods = append(r.methods, m)
				}
			}
		}
		if len(r.methods) > 0 {
			out = append(out, r)
		}
	}
	return out
}

// takes reports whether the Gin pattern q matches every path that p, a
// pattern or a path, matches: the same segments, or in q a parameter where
// p has anything but an empty segment (Gin's parameters never match one).
func takes(q, p string) bool {
	qs, ps := strings.Split(q, "/"), strings.Split(p, "/")
	if len(qs) != len(ps) {
		return false
	}
	for i := range qs {
		if qs[i] != ps[i] && (!strings.HasPrefix(qs[i], ":") || ps[i] == "") {
			return false
		}
	}
	return true
}
