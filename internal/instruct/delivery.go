package instruct

import "time"

// Delivery is one mail or webhook call the server sends because of an
// event, as reviewers see it: at least once, retried until delivered or
// failed for good.
type Delivery struct {
	ID       string          `json:"id"`
	Channel  DeliveryChannel `json:"channel"`
	EventSeq int64           `json:"event_seq"`
	// Target is the webhook's host, or the e-mail address masked
	// (a…@ville-x.fr).
	Target   string         `json:"target"`
	Status   DeliveryStatus `json:"status"`
	Attempts int            `json:"attempts"`
	// LastStatus is the HTTP status (or SMTP code) of the last attempt,
	// 0 when it got no answer.
	LastStatus    int        `json:"last_status"`
	LastError     string     `json:"last_error"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	DeliveredAt   *time.Time `json:"delivered_at"`
}

// DeliveryChannel is how a delivery is sent.
type DeliveryChannel string

// The channels of deliveries.
const (
	ChannelMail    DeliveryChannel = "mail"
	ChannelWebhook DeliveryChannel = "webhook"
)

// DeliveryStatus is where a delivery stands.
type DeliveryStatus string

// The statuses of a delivery.
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryDelivered DeliveryStatus = "delivered"
	DeliveryFailed    DeliveryStatus = "failed"
)
