"""Rendering: every result is a frozen dataclass rendered here as text, markdown or
a versioned JSON envelope. Renderers return strings and never print."""
