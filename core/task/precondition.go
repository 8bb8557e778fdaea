package task

import (
	"errors"
	"slices"

	"github.com/todoapi/todo/core/apperr"
)

// Versions is a set of a task's versions that a request names: any
// version at all, or those listed.
type Versions struct {
	Any  bool
	List []int64
}

// Has reports whether the set names version.
func (v Versions) Has(version int64) bool { return v.Any || slices.Contains(v.List, version) }

// Precondition is what a request requires of a task's current version
// before it acts on it: RFC 9110's If-Match and If-None-Match in the core's
// terms (the HTTP adapter turns entity tags into versions). A write checks
// it on the task its transaction read and locked, so nothing can change the
// task between the check and the write. The zero Precondition requires
// nothing: the last writer wins.
type Precondition struct {
	// IfMatch, when set, requires the task's version to be one it names.
	IfMatch *Versions
	// IfNoneMatch, when set, requires the task's version to be none it
	// names; Any requires that there is no task, which never holds of one
	// that exists.
	IfNoneMatch *Versions
}

// Check returns nil when the precondition holds for t, and otherwise
// EPRECONDITION wrapping a *PreconditionFailed that carries t's current
// version. IfMatch is checked first, as RFC 9110 §13.2.2 orders them.
func (p Precondition) Check(t *Task) error {
	switch {
	case p.IfMatch != nil && !p.IfMatch.Has(t.version):
		return preconditionFailed(t.version, false)
	case p.IfNoneMatch != nil && p.IfNoneMatch.Has(t.version):
		return preconditionFailed(t.version, true)
	}
	return nil
}

// PreconditionFailed is the cause of an EPRECONDITION error: the task's
// version when the precondition was checked.
type PreconditionFailed struct {
	Version int64
	// Unchanged says that IfNoneMatch failed: the request named the
	// version the task has. A read answers that with "not modified".
	Unchanged bool
}

func (e *PreconditionFailed) Error() string {
	if e.Unchanged {
		return "the task still has a version the request named"
	}
	return "the task's version is not one the request named"
}

func preconditionFailed(version int64, unchanged bool) error {
	msg := "The task has changed since you read it: read it again, or send no precondition to overwrite it."
	if unchanged {
		msg = "The task still has a version the request said it must not have."
	}
	return apperr.Wrap(apperr.EPRECONDITION, &PreconditionFailed{Version: version, Unchanged: unchanged}, msg)
}

// PreconditionFailedOf returns the cause of an EPRECONDITION error, or nil
// when err has none.
func PreconditionFailedOf(err error) *PreconditionFailed {
	var pf *PreconditionFailed
	if errors.As(err, &pf) {
		return pf
	}
	return nil
}
