package httpapi

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/todoapi/todo/adapters/httpapi/apidocs"
	"github.com/todoapi/todo/core/task"
)

// family is one of the two sets of paths that reach the same task
// operations: the short ones, /api/{user_id}/ and /api/{user_id}/{task_id},
// and the /tasks ones of the published hackathon spec,
// /api/{user_id}/tasks and /api/{user_id}/tasks/{task_id}.
type family struct {
	segment string // what stands between the user id and the task id
	tag     apidocs.Tag
}

var (
	shortPaths = family{segment: "", tag: apidocs.Tag{Name: "tasks",
		Description: "Task routes: `/api/{user_id}/` and `/api/{user_id}/{task_id}`"}}
	tasksPaths = family{segment: "/tasks", tag: apidocs.Tag{Name: "tasks (hackathon routes)",
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
// also answers 401 and 403, and reaches the store, so 500 and 503.
func (f family) task(method, path, id string, h authedHandler, doc apidocs.Operation) route {
	doc.Method, doc.Path, doc.ID, doc.Tag = method, path, id, f.tag.Name
	doc.Errors = append(append([]int{http.StatusUnauthorized, http.StatusForbidden}, doc.Errors...),
		http.StatusInternalServerError, http.StatusServiceUnavailable)
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
	}
}

// What the document says about each operation, whichever family serves it.
var (
	taskResponse = apidocs.SchemaRef("Task")

	listDoc = apidocs.Operation{
		Summary: "List the user's tasks, newest first",
		Success: apidocs.Response{Status: http.StatusOK, Schema: apidocs.ArrayOf(taskResponse),
			Description: "The user's tasks (an empty array when there are none), newest first."},
	}
	createDoc = apidocs.Operation{
		Summary: "Create a task",
		Body:    &apidocs.Body{Schema: "TaskCreate", Required: true},
		Success: apidocs.Response{Status: http.StatusCreated, Description: "The created task.", Schema: taskResponse, Location: true},
		Errors:  []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity},
	}
	getDoc = apidocs.Operation{
		Summary: "Get one task",
		Success: apidocs.Response{Status: http.StatusOK, Description: "The task.", Schema: taskResponse},
		Errors:  []int{http.StatusNotFound},
	}
	updateDoc = apidocs.Operation{
		Summary: "Update the fields given (merge semantics; PUT and PATCH behave alike)",
		Description: "Only the fields present change. `\"description\": null` clears the description; " +
			"`\"title\": null` is a 422. Read-only and unknown fields are ignored.",
		Body:    &apidocs.Body{Schema: "TaskUpdate", Required: true},
		Success: apidocs.Response{Status: http.StatusOK, Description: "The updated task.", Schema: taskResponse},
		Errors:  []int{http.StatusBadRequest, http.StatusNotFound, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity},
	}
	deleteDoc = apidocs.Operation{
		Summary: "Delete a task",
		Success: apidocs.Response{Status: http.StatusNoContent, Description: "Deleted; no body."},
		Errors:  []int{http.StatusNotFound},
	}
	toggleDoc = apidocs.Operation{
		Summary: "Flip the task's completed flag",
		Success: apidocs.Response{Status: http.StatusOK, Description: "The task after the flip.", Schema: taskResponse},
		Errors:  []int{http.StatusNotFound},
	}
	completeDoc = apidocs.Operation{
		Summary: "Set the completed flag, or flip it when no body is sent",
		Body:    &apidocs.Body{Schema: "TaskComplete"},
		Success: apidocs.Response{Status: http.StatusOK, Description: "The task after the change.", Schema: taskResponse},
		Errors:  []int{http.StatusBadRequest, http.StatusNotFound, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity},
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
		Summary:     "Readiness: the database is reachable",
		Description: "Answers 200 when the database answers a ping, 503 with Retry-After when it does not.",
		Success:     apidocs.Response{Status: http.StatusOK, Description: "OK.", Schema: statusResponse},
		Errors:      []int{http.StatusServiceUnavailable},
	}
)

// api is what the OpenAPI document describes, from the route table and the
// wire shapes.
func api(table []route) apidocs.API {
	ops := make([]apidocs.Operation, len(table))
	for i, r := range table {
		ops[i] = r.doc
	}
	return apidocs.API{
		Tags:       []apidocs.Tag{shortPaths.tag, tasksPaths.tag, {Name: apidocs.OperationsTag, Description: "Health, readiness and documentation"}},
		Operations: ops,
		Schemas:    taskSchemas(),
	}
}
