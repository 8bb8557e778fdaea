package main

import (
	"math/rand/v2"
	"strings"
	"time"

	"github.com/todoapi/todo/core/task"
)

// Sample tasks for the tables the bench loads through the store: the
// background rows of --large and the heavy users of the list scenarios.
// They look like a real user's, so that a filter selects a plausible part
// of a list and the database's statistics describe a real table: a skewed
// mix of priorities, a third completed, up to three tags of twenty (a few
// common, most rare), a due date on most (some a date, some an instant,
// from two months past to four months ahead), titles of 2-6 words and for
// half the tasks a description of 8-25, drawn from about 150 words with a skew.

// sampleWords are drawn with a Zipf skew: the first are common.
var sampleWords = strings.Fields(`the a to for and of on call email buy check
	fix send book pay review update plan clean write read order pick up meeting report
	team client project draft budget invoice doctor dentist school groceries milk bread
	car bank tax insurance rent garden kitchen laundry gift birthday flight hotel train
	ticket passport contract proposal slides notes agenda follow-up reminder renewal
	subscription password backup laptop phone printer router appointment prescription
	vet dog cat plants paint shelf lamp chair desk window door roof gutter boiler
	plumber electrician mechanic tires oil filter battery charger cable monitor keyboard
	mouse license permit form application refund receipt expense quarterly annual weekly
	daily monthly deadline launch release deploy migration database server api bug
	feature test coverage benchmark dashboard metrics alert incident postmortem retro
	standup interview candidate offer onboarding training workshop conference talk
	article blog newsletter podcast recipe dinner lunch breakfast party wedding
	anniversary holiday vacation museum concert`)

// sampleTags are drawn with a Zipf skew too: "work" is the most common,
// the last ones are on well under one percent of the tasks.
var sampleTags = []string{"work", "home", "errands", "family", "health", "finance", "shopping",
	"school", "travel", "garden", "car", "reading", "fitness", "kids", "admin", "calls",
	"ideas", "waiting", "someday", "volunteer"}

// The values the list scenarios ask for, chosen among the samples'.
const (
	scenarioTag  = "errands" // on about 10 % of the tasks
	scenarioWord = "invoice" // in the title or description of about 7.5 %
)

// sampler draws sample tasks; one per goroutine.
type sampler struct {
	rng          *rand.Rand
	words, tags  *rand.Zipf
	now          time.Time
	titleBuilder strings.Builder
}

func newSampler(seed uint64, now time.Time) *sampler {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	return &sampler{
		rng:   rng,
		words: rand.NewZipf(rng, 1.07, 2, uint64(len(sampleWords)-1)),
		tags:  rand.NewZipf(rng, 1.1, 1.5, uint64(len(sampleTags)-1)),
		now:   now,
	}
}

// draft returns the next sample task's draft.
func (s *sampler) draft() task.Draft {
	d := task.Draft{Title: s.text(2 + s.rng.IntN(5))}
	d.Title = strings.ToUpper(d.Title[:1]) + d.Title[1:]
	if s.rng.IntN(2) == 0 {
		desc := s.text(8 + s.rng.IntN(18))
		d.Description = &desc
	}
	d.Completed = s.rng.IntN(3) == 0
	switch r := s.rng.IntN(100); {
	case r < 20:
		d.Plan.Priority = task.PriorityLow
	case r < 70:
		d.Plan.Priority = task.PriorityMedium
	case r < 92:
		d.Plan.Priority = task.PriorityHigh
	default:
		d.Plan.Priority = task.PriorityUrgent
	}
	for n := []int{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3}[s.rng.IntN(11)]; len(d.Plan.Tags) < n; {
		if t := sampleTags[s.tags.Uint64()]; !contains(d.Plan.Tags, t) {
			d.Plan.Tags = append(d.Plan.Tags, t)
		}
	}
	if s.rng.IntN(10) < 7 {
		at := s.now.Add(time.Duration(s.rng.IntN(180*24)-60*24) * time.Hour)
		if s.rng.IntN(10) < 7 {
			d.Plan.Due = task.DueOn(at.Year(), at.Month(), at.Day())
		} else {
			d.Plan.Due = task.DueAt(at.Truncate(15 * time.Minute))
		}
	}
	return d
}

// text is n words, space-separated.
func (s *sampler) text(n int) string {
	b := &s.titleBuilder
	b.Reset()
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(sampleWords[s.words.Uint64()])
	}
	return b.String()
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
