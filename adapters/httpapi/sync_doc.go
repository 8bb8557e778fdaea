package httpapi

import (
	"net/http"

	"github.com/todoapi/todo/adapters/httpapi/apidocs"
	"github.com/todoapi/todo/core/task"
)

// What the document says about the trash and the change feed.

// syncPaths are the trash and the feed: the user's, beside the tasks, one
// path each for both route families.
var syncPaths = family{tag: apidocs.Tag{Name: "trash and changes",
	Description: "The trash (`/api/{user_id}/trash`) and the change feed (`/api/{user_id}/changes`), for both route families: " +
		"list once, keep the list's `X-Change-Cursor`, then read the changes from there."}}

var (
	trashDoc = apidocs.Operation{
		Summary: "List the user's trash: deleted tasks, the most recently deleted first",
		Description: "Each task as it was when deleted, with `deleted_at`. Paged as lists are (`limit`, `cursor` from the `Link` header, `page`). " +
			"Tasks stay in the trash for `TRASH_RETENTION` (30 days by default), then are removed for good.",
		Parameters: []string{"Limit", "Cursor", "Page"},
		Success: apidocs.Response{Status: http.StatusOK, Schema: apidocs.ArrayOf(apidocs.SchemaRef("TrashedTask")), Headers: []string{"Link"},
			Description: "The page of the user's trash (an empty array when it is empty)."},
		Errors: []int{http.StatusBadRequest},
	}
	restoreDoc = apidocs.Operation{
		Summary: "Restore a task from the trash",
		Description: "The task comes back as it was when deleted; the restore is a change, so its `version` moves on by one. " +
			"`If-Match` compares with the trashed task's `ETag` (its version when deleted).",
		Parameters: writeConditions,
		Success:    apidocs.Response{Status: http.StatusOK, Description: "The restored task.", Schema: taskResponse, Headers: []string{"ETag", replayedHeader}},
		Errors:     writeErrors,
		Responses:  limited,
	}
	purgeDoc = apidocs.Operation{
		Summary: "Remove a task from the trash for good",
		Success: apidocs.Response{Status: http.StatusNoContent, Description: "Removed; no body."},
		Errors:  []int{http.StatusNotFound},
	}
	changesDoc = apidocs.Operation{
		Summary: "Read the user's changes after a cursor",
		Description: "Every change of the user's tasks, in commit order, each exactly once: a change that commits after a reader " +
			"read past its place is never skipped. Without `since`, from the oldest change kept. Read again from `next` while " +
			"`has_more`, then poll from `next`. A `since` older than `CHANGE_RETENTION` (30 days by default), or one never issued " +
			"for this user, is a 410: list the tasks again and read on from that list's `X-Change-Cursor`.",
		Parameters: []string{"Since", "ChangeLimit"},
		Success:    apidocs.Response{Status: http.StatusOK, Schema: apidocs.SchemaRef("ChangesPage"), Description: "A page of changes."},
		Errors:     []int{http.StatusBadRequest, http.StatusGone},
	}
)

// syncParameters are the feed's query parameters.
var syncParameters = map[string]apidocs.Object{
	"Since": {"name": "since", "in": "query", "schema": obj{"type": "string"},
		"description": "A change cursor: a list's `X-Change-Cursor`, or the `next` or a change's `cursor` of an earlier read. " +
			"Empty or absent: from the oldest change kept."},
	"ChangeLimit": {"name": "limit", "in": "query", "description": "The most changes to return.",
		"schema": obj{"type": "integer", "minimum": 1, "maximum": task.MaxChangeLimit, "default": task.DefaultChangeLimit}},
}

// changeCursorHeader is the list's X-Change-Cursor.
var changeCursorHeader = map[string]apidocs.Object{
	"X-Change-Cursor": {"description": "Where the user's change feed stood when the list was read (in the same snapshot): " +
		"read `GET /api/{user_id}/changes?since=` this to get every change the list does not show, and none that it does.",
		"schema": cursorSchema},
}
