// Package views builds chat-neutral messages about incidents: the status
// screen, the war-room welcome, the managers' summary, the list of open
// incidents, the channel topic and the action buttons. Commands replies and
// the engine's war-room and summary posts share them, so every platform
// shows the same words.
package views
