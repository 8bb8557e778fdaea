package apperr_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/todoapi/todo/core/apperr"
)

func TestCodeOfSeesThroughWrapping(t *testing.T) {
	cause := errors.New("connection refused")
	err := fmt.Errorf("get task: %w", apperr.Wrap(apperr.EUNAVAILABLE, cause, "The database is unavailable."))
	if got := apperr.CodeOf(err); got != apperr.EUNAVAILABLE {
		t.Fatalf("CodeOf = %q", got)
	}
	if got := apperr.MessageOf(err); got != "The database is unavailable." {
		t.Fatalf("MessageOf = %q", got)
	}
	if !errors.Is(err, cause) {
		t.Fatal("errors.Is does not reach the cause")
	}
}

func TestPlainErrorsAreInternal(t *testing.T) {
	err := errors.New("boom")
	if got := apperr.CodeOf(err); got != apperr.EINTERNAL {
		t.Fatalf("CodeOf = %q", got)
	}
	if got := apperr.MessageOf(err); got != "Internal error." {
		t.Fatalf("MessageOf = %q: internal details must not leak", got)
	}
	if apperr.CodeOf(nil) != "" {
		t.Fatal("CodeOf(nil) is not empty")
	}
}

func TestInvalid(t *testing.T) {
	one := apperr.Invalid(apperr.FieldError{Field: "title", Message: "must not be empty"})
	if one.Code != apperr.EINVALID || one.Message != "title: must not be empty" || len(apperr.FieldsOf(one)) != 1 {
		t.Fatalf("Invalid(one) = %+v", one)
	}
	two := apperr.Invalid(apperr.FieldError{Field: "title"}, apperr.FieldError{Field: "description"})
	if got := apperr.FieldsOf(fmt.Errorf("wrapped: %w", two)); len(got) != 2 || got[1].Field != "description" {
		t.Fatalf("FieldsOf = %+v", got)
	}
}
