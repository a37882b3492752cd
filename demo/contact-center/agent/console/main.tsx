import { render } from 'preact';
import { App } from './app';
import { createConsoleModel } from './model';

const model = createConsoleModel();
render(<App model={model} />, document.getElementById('app')!);
void model.start();
