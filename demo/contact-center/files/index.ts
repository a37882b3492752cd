// Files: the in-memory store of what customers, agents and channels uploaded, reading one upload
// from a multipart request, and the route that serves a file through its signed link.
export { DEFAULT_FILE_LIMITS, FILE_ROUTE, FileLimitError, FileStore, refOf, type FileStoreLimits, type StoredFile, type Uploader } from './store';
export { MULTIPART_LIMITS, UploadError, readUpload, type Upload } from './upload';
export { fileRoutes } from './routes';
