package task

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ParseSearch parses the search parameter: text to find, case-insensitively,
// in a task's title or description. It is trimmed; the empty string means
// no search. It returns EINVALID naming "search" when the text is longer
// than MaxSearchLength code points or breaks the text rules (invalid UTF-8,
// a control character), which keeps a NUL away from the stores.
func ParseSearch(s string) (string, error) {
	s = strings.TrimSpace(s)
	if problem := textProblem(s, false); problem != "" {
		return "", badParam("search", problem)
	}
	if utf8.RuneCountInString(s) > MaxSearchLength {
		return "", badParam("search", atMost(MaxSearchLength))
	}
	return s, nil
}

// ParseTagFilter parses the values of the tag parameter, each a
// comma-separated list (the parameter may repeat), into the tags a task must
// all have. Each tag is trimmed and empty ones are skipped; the rest are
// returned once each, as FoldCase gives them, in the order first seen. An
// empty result means no tag filter.
//
// It returns EINVALID naming "tag" when a tag breaks a rule of tags (longer
// than MaxTagLength, a control character, invalid UTF-8), since no task can
// have it, or when more than MaxTags distinct tags are asked for, since no
// task has that many. A tag that holds a comma cannot be filtered on.
func ParseTagFilter(values []string) ([]string, error) {
	var keys []string
	seen := map[string]bool{}
	for _, v := range values {
		for raw := range strings.SplitSeq(v, ",") {
			tag := strings.TrimSpace(raw)
			if tag == "" {
				continue
			}
			if problem := tagProblem(tag); problem != "" {
				return nil, badParam("tag", "each "+problem)
			}
			if k := FoldCase(tag); !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	if len(keys) > MaxTags {
		return nil, badParam("tag", "must name at most "+strconv.Itoa(MaxTags)+" distinct tags")
	}
	return keys, nil
}

// ParsePriorityFilter parses the values of the priority parameter, each a
// comma-separated list of priorities as ParsePriority reads them, into the
// priorities a task may have (any of them), once each, lowest first. Empty
// items are skipped; an empty result means no priority filter. An unknown
// priority is EINVALID naming "priority" and the allowed values.
func ParsePriorityFilter(values []string) ([]Priority, error) {
	var seen [len(priorityNames)]bool
	for _, v := range values {
		for raw := range strings.SplitSeq(v, ",") {
			if strings.TrimSpace(raw) == "" {
				continue
			}
			p, ok := lookupPriority(raw)
			if !ok {
				return nil, badParam("priority", "each must be one of "+priorityAllowed)
			}
			seen[p.Rank()] = true
		}
	}
	var out []Priority
	for rank, in := range seen {
		if in {
			out = append(out, PriorityLow+Priority(rank))
		}
	}
	return out, nil
}

// ParseDueAfter parses the due_after parameter into the earliest
// Due.Instant a matching task has, inclusive: a date means that day's 00:00
// UTC, so a task due any time that day or later matches; a date-time means
// that instant. It returns EINVALID naming "due_after" for anything
// ParseDue refuses.
func ParseDueAfter(s string) (time.Time, error) {
	d, err := ParseDue(s)
	if err != nil {
		return time.Time{}, badParam("due_after", msgDue)
	}
	return d.Time(), nil
}

// ParseDueBefore parses the due_before parameter into the latest
// Due.Instant a matching task has, inclusive: a date means the end of that
// day in UTC (its last microsecond), so a task due any time that day or
// earlier matches; a date-time means that instant. It returns EINVALID
// naming "due_before" for anything ParseDue refuses.
func ParseDueBefore(s string) (time.Time, error) {
	d, err := ParseDue(s)
	if err != nil {
		return time.Time{}, badParam("due_before", msgDue)
	}
	return d.Instant(), nil
}

// ParseLimit parses the limit parameter, the page size: a whole number from
// 1 to MaxListLimit. Anything else is EINVALID naming "limit".
func ParseLimit(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > MaxListLimit {
		return 0, badParam("limit", "must be a whole number from 1 to "+strconv.Itoa(MaxListLimit))
	}
	return n, nil
}

// ParsePage parses the page parameter into the number of tasks to skip with
// pages of limit tasks: page 1 skips none. The page must be a whole number
// of 1 or more whose offset, (page-1)*limit, is at most MaxPageOffset;
// anything else is EINVALID naming "page".
func ParsePage(s string, limit int) (offset int, err error) {
	page, perr := strconv.Atoi(strings.TrimSpace(s))
	if perr != nil || page < 1 {
		return 0, badParam("page", "must be a whole number of 1 or more")
	}
	if limit < 1 || page-1 > MaxPageOffset/limit {
		return 0, badParam("page", "must skip at most "+strconv.Itoa(MaxPageOffset)+" tasks: (page-1) * limit")
	}
	return (page - 1) * limit, nil
}
