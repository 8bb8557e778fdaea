package httpapi

import (
	"net/http"
	"strconv"

	"github.com/todoapi/todo/adapters/httpapi/apidocs"
)

// What the document says about the live event stream and its tickets.

var (
	eventsDoc = apidocs.Operation{
		Summary: "Stream the user's changes live (server-sent events)",
		Description: "A `text/event-stream`: `retry: " + strconv.Itoa(retryMillis) + "` first, then each change of the feed as an event " +
			"with `id:` the change's cursor, `event: task.<op>` (`task.created`, `task.updated`, ...) and `data:` the change's JSON, " +
			"exactly as `GET /api/{user_id}/changes` renders it; a comment line every 15 seconds keeps proxies open. " +
			"With `Last-Event-ID` (an `EventSource` sends it when it reconnects) or `since`, the changes after that cursor come first, " +
			"then live ones, with no gap and no duplicate; without either, only changes made from now on. A cursor older than " +
			"`CHANGE_RETENTION`, or never issued for this user, is a 410 before the stream starts. Authenticate with the bearer " +
			"header or, from a browser's `EventSource`, with `?ticket=` from `POST /api/{user_id}/events/tickets`. The stream ends " +
			"when the token behind it expires, and when the server shuts down (after a `retry:` hint): reconnect with a new ticket " +
			"and `Last-Event-ID`.",
		Ticket:     true,
		Parameters: []string{"LastEventID", "StreamSince", "Ticket"},
		Success: apidocs.Response{Status: http.StatusOK, ContentType: "text/event-stream",
			Schema:      obj{"type": "string", "description": "Server-sent events; each `data:` is a `Change`."},
			Description: "The stream, until the client leaves, the token expires or the server shuts down."},
		Errors: []int{http.StatusBadRequest, http.StatusGone},
	}
	ticketDoc = apidocs.Operation{
		Summary: "Get a ticket that opens the user's event stream",
		Description: "For a browser's `EventSource`, which cannot send an `Authorization` header: open " +
			"`GET /api/{user_id}/events?ticket=...` within `expires_in` seconds. A ticket opens one stream, once, on any replica, " +
			"and only the user's own (another user's path is a 403; a used, expired or unknown ticket a 401). The stream it opens " +
			"ends when the token that asked for the ticket expires.",
		Success: apidocs.Response{Status: http.StatusCreated, Schema: apidocs.SchemaRef("EventTicket"), Description: "A new ticket."},
	}
)

// eventParameters are the stream's parameters.
var eventParameters = map[string]apidocs.Object{
	"LastEventID": {"name": "Last-Event-ID", "in": "header", "schema": obj{"type": "string"},
		"description": "The `id` of the last event received: the stream resumes after it. An `EventSource` sends it by itself when it reconnects."},
	"StreamSince": {"name": "since", "in": "query", "schema": obj{"type": "string"},
		"description": "A change cursor to resume after, as `Last-Event-ID` (which wins when both are sent): a list's `X-Change-Cursor`, or a change's `cursor`."},
	"Ticket": {"name": "ticket", "in": "query", "schema": obj{"type": "string"},
		"description": "A ticket from `POST /api/{user_id}/events/tickets`, instead of the `Authorization` header (which wins when both are sent)."},
}

// eventSchemas are the schemas of the tickets.
var eventSchemas = map[string]apidocs.Object{
	"EventTicket": {
		"type": "object", "additionalProperties": false, "required": []any{"ticket", "expires_in"},
		"properties": obj{
			"ticket":     obj{"type": "string", "minLength": 1, "description": "Opaque; pass it as `ticket` to the event stream, once."},
			"expires_in": obj{"type": "integer", "description": "Seconds left to use it.", "example": ticketLifetimeSeconds},
		},
		"example": obj{"ticket": "YWxpY2U.2n3BfVq0Zb0bQn8CkJ2yXl9Zr4Q7uSxkq0mT1pA6d5E", "expires_in": ticketLifetimeSeconds},
	},
}
