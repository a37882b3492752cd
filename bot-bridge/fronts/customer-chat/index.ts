// What leaves the widget's front: the Fastify plugin serving the Customer Chat API under /api/v2.
export { customerChatApi, type CustomerChatOptions } from './routes';
export { fileLinks } from './files';
