// Package ui is the reviewer's terminal screen, a Bubble Tea program: a
// queue of requests with status tabs, the review of one request in three
// panes, its history, the decision form with its confirmation, conflicts,
// search, help and a status bar fed by the sync engine.
//
// The screen never waits on I/O: it reads the local cache and records
// decisions into the cache's outbox through tea.Cmds, and it listens to the
// sync engine's status through a Cmd that re-arms itself. It keeps no
// package-level state, so one process can serve many programs over SSH;
// window size, background colour and colour profile come per program.
package ui

import (
	"context"
	"io"
	"log/slog"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/component"
	"github.com/instruct-dev/instruct/internal/ui/form"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
	"github.com/instruct-dev/instruct/internal/ui/picker"
	"github.com/instruct-dev/instruct/internal/ui/queue"
	"github.com/instruct-dev/instruct/internal/ui/review"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
	"github.com/instruct-dev/instruct/internal/ui/statsview"
	"github.com/instruct-dev/instruct/internal/ui/statusbar"
	"github.com/instruct-dev/instruct/internal/ui/theme"
	"github.com/instruct-dev/instruct/internal/ui/timeline"
)

// Cache is the local cache the screen reads, and records decisions into.
type Cache interface {
	LifeCache
	Queue(ctx context.Context, q instruct.QueueQuery) ([]instruct.QueueItem, error)
	// Counts returns the number of requests per status as the reviewer
	// sees them, applying q's definition and text but not its statuses.
	Counts(ctx context.Context, q instruct.QueueQuery) (map[instruct.Status]int, error)
	// Position returns the index of request id in the queue q selects
	// (ignoring its Offset and Limit), or -1 when q does not select it.
	Position(ctx context.Context, q instruct.QueueQuery, id instruct.RequestID) (int, error)
	Request(ctx context.Context, id instruct.RequestID) (instruct.Request, error)
	Events(ctx context.Context, id instruct.RequestID) ([]instruct.Event, error)
	// Operations returns the reviewer's operations on a request, newest
	// first.
	Operations(ctx context.Context, requestID instruct.RequestID) ([]instruct.Operation, error)
	Definitions(ctx context.Context) ([]instruct.Definition, error)
	Me(ctx context.Context) (instruct.User, error)
	// Record writes a decision or note into the outbox, durably, after
	// checking its comment and transition.
	Record(ctx context.Context, requestID instruct.RequestID, kind instruct.Kind, comment string) (instruct.Operation, error)
	Discard(ctx context.Context, opID string) error
	// SaveDraft keeps the reviewer's unsent comment on a request (a
	// blank one deletes it); Draft returns it, DeleteDraft forgets it.
	SaveDraft(ctx context.Context, requestID instruct.RequestID, kind instruct.Kind, comment string) error
	Draft(ctx context.Context, requestID instruct.RequestID) (instruct.Draft, bool, error)
	DeleteDraft(ctx context.Context, requestID instruct.RequestID) error
	// Claim writes into the outbox that the reviewer takes (kind claim)
	// or leaves (kind release) a request; force takes it from another
	// reviewer. Another's claim without force fails with a
	// *instruct.ClaimedError naming them.
	Claim(ctx context.Context, requestID instruct.RequestID, kind instruct.Kind, force bool) (instruct.Operation, error)
	// MarkSeen records that the reviewer opened a request: its
	// applicant's messages so far are read.
	MarkSeen(ctx context.Context, requestID instruct.RequestID) error
}

// Syncer is the sync engine, as far as the screen is concerned: a way to
// sync now and a stream of status updates. Updates must return the same
// channel on every call, and the screen must be its only reader (give each
// program of an SSH server its own).
type Syncer interface {
	Trigger()
	Updates() <-chan instruct.SyncStatus
}

// Options configure a screen. Cache is required; the rest has defaults.
type Options struct {
	Cache Cache
	// Syncer may be nil: the screen then works on the cache alone.
	Syncer Syncer
	// Lang is "fr" or "en" (any "fr_…" locale means French).
	Lang string
	// Location is the reviewer's time zone, which every date and time is
	// shown in; nil means the system's (time.Local, which follows TZ).
	Location *time.Location
	// Logger receives errors in detail; the screen shows them in plain
	// words. Nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Mouse turns on mouse capture (it blocks selecting text to copy).
	Mouse bool
	// NoColor draws without colour or attributes, as NO_COLOR asks. A
	// colour profile without colour, reported by the program, does too.
	NoColor bool
	// Context bounds every cache call, such as an SSH session's; nil means
	// context.Background().
	Context context.Context
	// Window is how many queue rows the screen holds at least, around
	// those on screen; 0 means DefaultWindow. It holds at most the larger
	// of Window and five screenfuls, however long the queue, and loads
	// the next window as the cursor moves.
	Window int
	// Recovery, when not nil, is how the cache was replaced as it was
	// opened; the screen says it first.
	Recovery *instruct.CacheRecovery
	// Deliveries, when not nil, lists the mails and webhook calls of
	// each request in its history; nil shows none.
	Deliveries Deliveries
	// Documents gives the texts of attached documents; nil shows none.
	Documents Documents
	// OpenDocument opens a document's file on the reviewer's computer;
	// nil where the screen is not on it (an SSH session): o says why.
	OpenDocument OpenDocument
}

// The smallest window the screen draws in.
const (
	MinWidth  = 80
	MinHeight = 24
)

// DefaultWindow is how many queue rows a screen holds: enough to fill
// any screen and move a few pages before the next window is needed.
const DefaultWindow = 300

// focus is which part of the screen keys go to.
type focus int

const (
	focusQueue focus = iota
	focusReview
)

// overlay is what covers the review area, if anything.
type overlay int

const (
	overlayNone overlay = iota
	overlayTimeline
	overlayForm
	overlayHelp
	// overlayPicker lists the APIs to filter the queue by.
	overlayPicker
	// overlayStats is the statistics screen, over the whole body.
	overlayStats
)

// Model is the reviewer's screen.
type Model struct {
	opts   Options
	ctx    context.Context
	log    *slog.Logger
	msgs   *i18n.Messages
	claims i18n.ClaimWords
	keys   *keymap.KeyMap
	theme  *theme.Theme
	dark   bool
	plain  bool

	width, height int
	now           time.Time

	query  queryState
	counts map[instruct.Status]int
	// mine is the number of requests in the Mine tab, -1 before known.
	mine     int
	defs     []instruct.Definition
	defByID  map[string]instruct.Definition
	user     *instruct.User
	lastSync time.Time
	// waiting is the notice that a decision is recorded and waiting to
	// be sent, while it is shown: it goes once the outbox is empty.
	waiting string

	queue    queue.Model
	review   review.Model
	timeline timeline.Model
	form     form.Model
	apis     picker.Model
	// apiIDs are the definitions the list of APIs offers, "" for all.
	apiIDs  []string
	status  statusbar.Model
	help    help.Model
	helpFor keymap.Help
	// helpTop is the first line of the help shown when it is taller than
	// the screen.
	helpTop  int
	focus    focus
	overlay  overlay
	detailID instruct.RequestID
	draft    draftState
	// discarding is the decision in conflict D asks to discard, until
	// the reviewer answers.
	discarding *instruct.Operation
	notice     string
	noticeBad  bool
	// ask is the question C asks before taking a request from its
	// holder, while it waits for an answer.
	ask *claimAsk
	// recovery is the cache's last replacement the screen told of.
	recovery *instruct.CacheRecovery
	// statsView is the statistics screen; statsGen the generation of its
	// latest computation, whose answer alone is shown.
	statsView statsview.Model
	statsGen  int
	// afterHelp is what closing the help goes back to: the statistics,
	// or nothing over the queue and review.
	afterHelp overlay
	// life is the habilitations screen over the body, if any; dialog the
	// revocation or transfer being asked; lifeWords their words.
	life      lifeState
	dialog    *lifeDialog
	lifeWords i18n.LifeWords
}

// queryState is what selects the queue: tab, search, API filter and sort,
// and the generation of the latest query, so late answers are dropped.
type queryState struct {
	tab       int
	text      string
	searching bool
	api       string
	sort      instruct.Sort
	gen       int
	keepID    instruct.RequestID
	// loading is set while generation gen's first answer is on its way;
	// window is the first row of the window of rows asked last, -1 when
	// none is on its way.
	loading bool
	window  int
	// ctx bounds the cache calls of generation gen; cancel stops them when
	// a newer query replaces it, such as the next keystroke of a search.
	ctx    context.Context
	cancel context.CancelFunc
}

// New returns the screen described by opts.
func New(opts Options) Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	if opts.Window <= 0 {
		opts.Window = DefaultWindow
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	msgs := i18n.For(opts.Lang).InZone(opts.Location)
	keys := keymap.New(msgs.Keys).WithDocuments(msgs.Documents())
	life := msgs.Life(opts.Location)
	keys.SetLife(life.KeyHabilitations, life.KeyTransfer, life.KeyOrganization)
	m := Model{opts: opts, ctx: opts.Context, log: opts.Logger, msgs: &msgs, claims: msgs.Claims(), keys: &keys, mine: -1,
		dark: true, plain: opts.NoColor, now: opts.Now(), defByID: map[string]instruct.Definition{}, lifeWords: life}
	m.query = queryState{sort: instruct.SortAge, gen: 1, loading: true, window: -1}
	m.query.ctx, m.query.cancel = context.WithCancel(m.ctx)
	m.theme = m.pickTheme()
	m.queue = queue.New(m.env())
	m.review = review.New(m.env())
	m.review.SetLife(life)
	m.timeline = timeline.New(m.env())
	m.statsView = statsview.New(m.env())
	m.status = statusbar.New(m.env(), opts.Syncer != nil)
	m.help = help.New()
	m.help.Styles = m.theme.Help
	if opts.Recovery != nil {
		m.recovery = opts.Recovery
		m.notice, m.noticeBad = sanitize.Line(m.msgs.Recovered(*opts.Recovery)), true
	}
	return m
}

// Init loads the catalogue, the user and the first window of the queue
// with its counts, asks the terminal for its background and starts
// listening to the sync engine.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{
		m.definitionsCmd(), m.meCmd(), m.listCmd(m.query.gen, 0),
		tea.RequestBackgroundColor,
	}
	if m.opts.Syncer != nil {
		cmds = append(cmds, waitSyncCmd(m.opts.Syncer.Updates()), tickCmd())
	}
	return tea.Batch(cmds...)
}

// env returns what every component of the screen shares: the current
// theme, the words and the keys.
func (m Model) env() component.Env {
	return component.Env{Theme: m.theme, Msgs: m.msgs, Keys: m.keys}
}

// pickTheme returns the theme for the background and colour setting.
// Themes are built once and shared, never changed.
func (m Model) pickTheme() *theme.Theme {
	t := theme.New(m.dark)
	if m.plain {
		t = theme.Plain()
	}
	return &t
}

// applyTheme hands the current theme to every component.
func (m *Model) applyTheme() {
	m.theme = m.pickTheme()
	m.queue.SetTheme(m.theme)
	m.review.SetTheme(m.theme)
	m.timeline.SetTheme(m.theme)
	m.form.SetTheme(m.theme)
	m.apis.SetTheme(m.theme)
	m.statsView.SetTheme(m.theme)
	m.status.SetTheme(m.theme)
	m.help.Styles = m.theme.Help
}
