//! The request builder every generated operation method returns.

use nxlink_models::runtime::{Operation, PaginatedOperation};

use crate::{Client, Error, ItemStream, PageStream, Response};

/// A pending call: the request being built for `Op`, sent with [`send`](Self::send)
/// or scanned with [`pages`](Self::pages) / [`items`](Self::items). The generated
/// methods of `Client` return it with a setter per request field.
#[must_use = "a request does nothing until sent"]
#[derive(Debug, Clone)]
pub struct RequestBuilder<Op: Operation> {
    client: Client,
    request: Op::Request,
}

impl<Op: Operation> RequestBuilder<Op> {
    /// A builder for `request`; the generated `Client` methods call this.
    pub fn new(client: Client, request: Op::Request) -> Self {
        Self { client, request }
    }

    /// The request as it stands.
    pub fn request(&self) -> &Op::Request {
        &self.request
    }

    /// Changes the request; the generated setters call this.
    pub fn map_request(mut self, change: impl FnOnce(Op::Request) -> Op::Request) -> Self {
        self.request = change(self.request);
        self
    }

    pub(crate) fn into_parts(self) -> (Client, Op::Request) {
        (self.client, self.request)
    }

    /// Sends the request once (with retries) and returns the payload.
    pub async fn send(self) -> Result<Response<Op::Data>, Error> {
        self.client.execute::<Op>(&self.request).await
    }
}

impl<Op: PaginatedOperation> RequestBuilder<Op> {
    /// Every page from the request's page number on, fetched ahead with the client's
    /// concurrency; memory holds at most `concurrency` pages.
    pub fn pages(self) -> PageStream<Op> {
        PageStream::new(self.client, self.request)
    }

    /// Every item of every page, each once per scan.
    pub fn items(self) -> ItemStream<Op> {
        ItemStream::new(self.pages())
    }
}
