// Package system provides the real clock and id maker.
package system

import (
	"time"

	"github.com/google/uuid"

	"github.com/todoapi/todo/core/task"
	"github.com/todoapi/todo/ports"
)

var (
	_ ports.Clock = Clock{}
	_ ports.IDs   = IDs{}
)

// Clock is the wall clock, in UTC.
type Clock struct{}

// Now implements ports.Clock.
func (Clock) Now() time.Time { return time.Now().UTC() }

// IDs makes UUID version 7 ids: time-ordered, so new rows land at the end
// of the primary key index instead of at random places in it.
type IDs struct{}

// NewID implements ports.IDs. uuid.NewV7 fails only if the system's random
// source does, after which nothing sensible can continue.
func (IDs) NewID() task.ID {
	return task.ID(uuid.Must(uuid.NewV7()))
}
