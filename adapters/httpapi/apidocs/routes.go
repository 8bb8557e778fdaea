// Package apidocs publishes the API's OpenAPI 3.1 document and an interactive
// docs page whose assets are built into the binary.
package apidocs

import "net/http"

// Op is what a route does; each route family maps its paths onto the same
// operations and the same handlers.
type Op int

// The operations of the API.
const (
	OpList Op = iota
	OpCreate
	OpGet
	OpUpdate // PUT and PATCH: merge semantics
	OpDelete
	OpToggle
	OpComplete
)

// Route is one method and path of the API, in Gin's syntax (:param).
type Route struct {
	Method string
	Path   string
	Op     Op
	Family string // "seed" or "hackathon"
}

// Routes are the task routes of both families. The HTTP adapter registers
// exactly these, and the OpenAPI document describes exactly these, so the two
// cannot drift apart.
var Routes = []Route{
	{http.MethodGet, "/api/:user_id", OpList, "seed"},
	{http.MethodGet, "/api/:user_id/", OpList, "seed"},
	{http.MethodPost, "/api/:user_id", OpCreate, "seed"},
	{http.MethodPost, "/api/:user_id/", OpCreate, "seed"},
	{http.MethodGet, "/api/:user_id/:task_id", OpGet, "seed"},
	{http.MethodPut, "/api/:user_id/:task_id", OpUpdate, "seed"},
	{http.MethodPatch, "/api/:user_id/:task_id", OpUpdate, "seed"},
	{http.MethodDelete, "/api/:user_id/:task_id", OpDelete, "seed"},
	{http.MethodPatch, "/api/:user_id/:task_id/toggle", OpToggle, "seed"},

	{http.MethodGet, "/api/:user_id/tasks", OpList, "hackathon"},
	{http.MethodGet, "/api/:user_id/tasks/", OpList, "hackathon"},
	{http.MethodPost, "/api/:user_id/tasks", OpCreate, "hackathon"},
	{http.MethodPost, "/api/:user_id/tasks/", OpCreate, "hackathon"},
	{http.MethodGet, "/api/:user_id/tasks/:task_id", OpGet, "hackathon"},
	{http.MethodPut, "/api/:user_id/tasks/:task_id", OpUpdate, "hackathon"},
	{http.MethodPatch, "/api/:user_id/tasks/:task_id", OpUpdate, "hackathon"},
	{http.MethodDelete, "/api/:user_id/tasks/:task_id", OpDelete, "hackathon"},
	{http.MethodPatch, "/api/:user_id/tasks/:task_id/complete", OpComplete, "hackathon"},
}
