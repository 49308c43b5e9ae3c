"""Making a new project (`pickenv new`): its name and fields, the tool it gets, placing the
rendered template atomically, owning exactly what it made, and the service that ties them."""
