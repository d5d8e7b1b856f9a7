// Package deliver sends the server's deliveries outbox: the mails and
// webhook calls that events cause, which the ledger writes in the
// transaction of each event (design/LIFECYCLE.md, "Deliveries").
//
// A Worker takes the deliveries due, holding each for a while so that no
// other worker (another server instance sharing PostgreSQL) sends it at
// the same time, sends it, and records the outcome: delivered; retried
// after about 30 s, 2 min, 10 min, 1 h, then every 6 h; failed after
// three days. A crash mid-delivery loses nothing: once the hold runs out
// the delivery is sent again, with the same X-Instruct-Delivery. Sending
// is at least once; receivers de-duplicate by that ID (mails by their
// Message-ID).
//
// Webhook calls follow DataPass's format (Payload, Sign); mails are plain
// French text sent by a Mailer over SMTP. A webhook's {"token_id"} reply
// to an approval is handed to a TokenRecorder.
package deliver
