package pdftext

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestMain lets the test binary serve as the Extractor's child.
func TestMain(m *testing.M) {
	ServeChild()
	os.Exit(m.Run())
}

// testLimits are tight bounds, so that hostile files end fast.
func testLimits() Limits {
	lim := DefaultLimits()
	lim.Timeout = 3 * time.Second
	lim.MemoryBytes = 768 << 20
	if raceEnabled {
		lim.MemoryBytes = 2 << 30
	}
	return lim
}

// TestExtractText: the text of a French text PDF reads back whole.
func TestExtractText(t *testing.T) {
	res := Extract(sampleNamed(t, "text").data, DefaultLimits())
	if res.State != instruct.DocumentTextAvailable || res.Pages != 1 {
		t.Fatalf("Extract = %+v, want available text on 1 page", res)
	}
	for _, want := range []string{"Délibération n° 2026-061", "quotient familial «", "12 €", "décide d'appliquer"} {
		if !strings.Contains(res.Text, want) {
			t.Errorf("text %q does not hold %q", res.Text, want)
		}
	}
}

// TestExtractCompressed: a Flate-compressed page with octal escapes
// reads back in UTF-8.
func TestExtractCompressed(t *testing.T) {
	if res := Extract(compressedText(), DefaultLimits()); !strings.Contains(res.Text, "Convention d'accès aux données") {
		t.Errorf("Extract(compressed) = %s %q", res.State, res.Text)
	}
}

// TestExtractCorpus: every file of the corpus but the hostile ones gives
// its state in-process, without a panic.
func TestExtractCorpus(t *testing.T) {
	for _, s := range corpus(t) {
		if s.hostile {
			continue
		}
		t.Run(s.name, func(t *testing.T) {
			res := Extract(s.data, DefaultLimits())
			if !slices.Contains(s.want, string(res.State)) {
				t.Errorf("Extract(%s) = %s, want one of %v", s.name, res.State, s.want)
			}
		})
	}
}

// TestExtractorCorpus: every file of the corpus, the hostile ones
// included, gives its state through a child process within its deadline.
func TestExtractorCorpus(t *testing.T) {
	x := NewExtractor(testLimits(), 2)
	for _, s := range corpus(t) {
		t.Run(s.name, func(t *testing.T) {
			start := time.Now()
			res := x.Extract(context.Background(), s.data)
			if !slices.Contains(s.want, string(res.State)) {
				t.Errorf("Extractor.Extract(%s) = %s, want one of %v", s.name, res.State, s.want)
			}
			if took := time.Since(start); took > x.Limits.Timeout+5*time.Second {
				t.Errorf("Extractor.Extract(%s) took %s, past its deadline of %s", s.name, took, x.Limits.Timeout)
			}
		})
	}
}

// TestExtractCaps: the page cap leaves out the text of later pages, and
// the text cap cuts the text between characters.
func TestExtractCaps(t *testing.T) {
	data := sampleNamed(t, "two pages").data // page one, page two
	lim := DefaultLimits()
	lim.ReadPages = 1
	if res := Extract(data, lim); res.Pages != 2 || strings.Contains(res.Text, "two") || !strings.Contains(res.Text, "one") {
		t.Errorf("Extract with 1 page read = %+v, want page one only of 2", res)
	}
	lim = DefaultLimits()
	lim.MaxTextBytes = 12
	res := Extract(sampleNamed(t, "text").data, lim)
	if len(res.Text) > 12 || !strings.HasPrefix(res.Text, "Délibéra") {
		t.Errorf("Extract with 12 bytes = %q, want the first 12 bytes at most", res.Text)
	}
}

// TestExtractorCancelled: an ended context gives failed at once.
func TestExtractorCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res := NewExtractor(testLimits(), 1).Extract(ctx, sampleNamed(t, "text").data); res.State != instruct.DocumentTextFailed {
		t.Errorf("Extract(cancelled) = %s, want failed", res.State)
	}
}

// TestExtractorMemoryCeiling: a decompression bomb that would take
// gigabytes ends for want of memory, long before a deadline it is given
// a minute to reach.
func TestExtractorMemoryCeiling(t *testing.T) {
	lim := testLimits()
	lim.Timeout, lim.MemoryBytes = time.Minute, 256<<20
	if raceEnabled {
		lim.MemoryBytes = 1 << 30
	}
	x := NewExtractor(lim, 1)
	if res := x.Extract(context.Background(), sampleNamed(t, "text").data); res.State != instruct.DocumentTextAvailable {
		t.Fatalf("Extract(text) within %d MiB = %s, want available", lim.MemoryBytes>>20, res.State)
	}
	bomb := sampleNamed(t, "decompression bomb")
	start := time.Now()
	res := x.Extract(context.Background(), bomb.data)
	if res.State != instruct.DocumentTextFailed || time.Since(start) > 40*time.Second {
		t.Errorf("Extract(%s) = %s after %s, want failed by the memory ceiling", bomb.name, res.State, time.Since(start))
	}
}
