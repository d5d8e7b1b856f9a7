package ui

// sizeClass is the layout the window's size calls for.
type sizeClass int

const (
	// tooSmall: below MinWidth×MinHeight, only a message.
	tooSmall sizeClass = iota
	// narrow (80–99 columns): the queue, or one pane at a time.
	narrow
	// medium (100–159): the queue, or a strip of it over the three panes.
	medium
	// wide (160 and more): the queue beside the three panes.
	wide
)

// The widths where the layout changes.
const (
	mediumWidth = 100
	wideWidth   = 160
	// stripRows is the height of the queue strip over the review in the
	// medium layout, borders included; it shows when the body has room
	// for it and the panes.
	stripRows     = 5
	stripMinBody  = 30
	bodyTop       = 2
	chromeRows    = 3
	queueMinWidth = 44
	queueMaxWidth = 64
	// A queue that mixes statuses has a status column: it takes more.
	queueMixedMinWidth = 60
	queueMixedMaxWidth = 76
)

// While the decision form is open, the request stays in view above it
// when the review area has room for both: the reviewer writes the comment
// looking at the legal basis and scopes it is about.
const (
	formMinRows   = 12
	formMaxRows   = 18
	reviewMinRows = 10
)

// formSplit divides the h rows of the review area between the review kept
// above the decision form and the form; reviewH is 0 when only the form
// fits.
func formSplit(h int) (reviewH, formH int) {
	formH = min(formMaxRows, max(formMinRows, h/2))
	if h-formH < reviewMinRows {
		return 0, h
	}
	return h - formH, formH
}

// class returns the layout for the window's size.
func (m Model) class() sizeClass {
	switch {
	case m.width < MinWidth || m.height < MinHeight:
		return tooSmall
	case m.width < mediumWidth:
		return narrow
	case m.width < wideWidth:
		return medium
	}
	return wide
}

// rect is a region of the screen.
type rect struct{ x, y, w, h int }

func (r rect) empty() bool { return r.w <= 0 || r.h <= 0 }

func (r rect) contains(x, y int) bool {
	return !r.empty() && x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// regions returns where the queue and the review area (review, history or
// form) go; an empty rect is hidden.
func (m Model) regions() (queueRect, area rect) {
	bodyH := m.height - chromeRows
	full := rect{0, bodyTop, m.width, bodyH}
	browsing := m.focus == focusQueue && (m.overlay == overlayNone || m.overlay == overlayHelp || m.overlay == overlayPicker)
	switch m.class() {
	case wide:
		qw := min(queueMaxWidth, max(queueMinWidth, m.width*34/100))
		if m.mixesStatuses() {
			qw = min(queueMixedMaxWidth, max(queueMixedMinWidth, m.width*38/100))
		}
		return rect{0, bodyTop, qw, bodyH}, rect{qw, bodyTop, m.width - qw, bodyH}
	case medium:
		if browsing {
			return full, rect{}
		}
		if bodyH >= stripMinBody {
			return rect{0, bodyTop, m.width, stripRows}, rect{0, bodyTop + stripRows, m.width, bodyH - stripRows}
		}
		return rect{}, full
	case narrow:
		if browsing {
			return full, rect{}
		}
		return rect{}, full
	}
	return rect{}, rect{}
}

// reviewVisible reports whether the review area shows.
func (m Model) reviewVisible() bool {
	_, area := m.regions()
	return !area.empty()
}

// layout gives every component its size for the window and the state of
// the screen. It runs on resize and when focus or overlays change.
func (m *Model) layout() {
	if m.class() == tooSmall {
		return
	}
	q, area := m.regions()
	m.status.SetWidth(m.width)
	m.help.SetWidth(m.width - 4)
	if !q.empty() {
		m.queue.SetSize(q.w, q.h)
	}
	m.queue.SetFocused(m.focus == focusQueue && m.overlay == overlayNone)
	m.review.SetFocused(m.focus == focusReview && m.overlay == overlayNone)
	if !area.empty() {
		reviewH, formH := area.h, area.h
		if m.overlay == overlayForm {
			if above, below := formSplit(area.h); above > 0 {
				reviewH, formH = above, below
			}
		}
		m.review.SetSingle(m.class() == narrow)
		m.review.SetSize(area.w, reviewH)
		m.timeline.SetSize(area.w, area.h)
		m.form.SetSize(area.w, formH)
	}
	m.statsView.SetSize(m.width, m.height-chromeRows)
	if p := m.pickerRect(); m.overlay == overlayPicker {
		m.apis.SetSize(p.w-2, p.h-3)
	}
}

// setFocus gives the keys to the queue or the review.
func (m *Model) setFocus(f focus) {
	m.focus = f
	m.layout()
}
