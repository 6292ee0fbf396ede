// Package browsertest drives headless Chromium (chromedp) for the browser
// tests of the web pages and of serve: a phone-sized tab that records
// JavaScript errors, with polling and layout checks. Without Chromium a
// test skips, saying how to install it, except in CI (CI=true), where it
// fails: it cannot skip there unseen.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds Chromium (CHROMIUM_PATH, else on PATH), skipping the
// test when there is none, or failing it in CI.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const how = "no Chromium found: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH"
	if os.Getenv("CI") == "true" {
		t.Fatal(how + "; browser tests must run in CI")
	}
	t.Skip(how)
	return ""
}

// Browser is one headless tab that records JavaScript errors.
type Browser struct {
	T   *testing.T // the test that fails; set it to a subtest's while one runs
	Ctx context.Context

	mu     sync.Mutex
	errors []string
}

// New opens a headless tab on a phone-sized screen (390×844).
func New(t *testing.T) *Browser {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Flag("disable-gpu", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	b := &Browser{T: t}
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithListener(b.record))
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancelTimeout)
	b.Ctx = ctx
	// Phone-sized: every page must fit 390 CSS pixels without scrolling sideways.
	b.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	return b
}

// record keeps console errors, uncaught exceptions and failed loads.
func (b *Browser) record(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg = "exception: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			msg += " " + ev.ExceptionDetails.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			msg = "console.error"
			for _, a := range ev.Args {
				msg += " " + string(a.Value)
			}
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			msg = "log: " + ev.Entry.Text + " " + ev.Entry.URL
		}
	}
	if msg != "" {
		b.mu.Lock()
		b.errors = append(b.errors, msg)
		b.mu.Unlock()
	}
}

func (b *Browser) Do(steps ...chromedp.Action[chromedp.Void]) {
	b.T.Helper()
	if err := chromedp.Do(b.Ctx, steps...); err != nil {
		b.T.Fatal(err)
	}
}

func Eval[T any](b *Browser, js string) T {
	b.T.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.T.Fatalf("%s: %v", js, err)
	}
	return v
}

// Until polls js in the page until it is true, failing after 10 seconds.
func (b *Browser) Until(what, js string) {
	b.T.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !Eval[bool](b, js) {
		if time.Now().After(deadline) {
			b.T.Fatalf("%s: not within 10s (page: %s)", what, Eval[string](b, `document.body.innerText`))
		}
		time.Sleep(50 * time.Millisecond) // polling interval, not a wait for work
	}
}

// NoHorizontalScroll checks the page fits the viewport's width.
func (b *Browser) NoHorizontalScroll(page string) {
	b.T.Helper()
	if got := Eval[string](b, `document.documentElement.scrollWidth + "/" + window.innerWidth`); func() bool {
		var sw, iw int
		_, err := fmt.Sscanf(got, "%d/%d", &sw, &iw)
		return err != nil || sw > iw
	}() {
		b.T.Errorf("%s scrolls sideways on a 390-pixel phone: scrollWidth/innerWidth %s", page, got)
	}
}

// NoErrors checks the pages logged no JavaScript error.
func (b *Browser) NoErrors() {
	b.T.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.errors) > 0 {
		b.T.Errorf("JavaScript errors in the console:\n%s", strings.Join(b.errors, "\n"))
	}
}
