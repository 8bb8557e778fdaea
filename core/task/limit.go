package task

import (
	"strconv"

	"github.com/todoapi/todo/core/apperr"
)

// DefaultMaxTasks is how many tasks one owner may keep, the trash not
// counted, unless the service is configured otherwise.
const DefaultMaxTasks = 10000

// ErrLimit returns ELIMIT for an owner who already keeps max tasks: the
// create or restore that would have made one more changed nothing. Its
// message names the limit; cause, when set, is kept for the log.
func ErrLimit(max int, cause error) error {
	msg := "You already have " + strconv.Itoa(max) + " tasks, the most one user may keep (tasks in the trash do not count): " +
		"delete some to make room."
	if cause == nil {
		return apperr.Errorf(apperr.ELIMIT, "%s", msg)
	}
	return apperr.Wrap(apperr.ELIMIT, cause, msg)
}
