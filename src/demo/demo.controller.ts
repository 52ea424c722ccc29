import { ApiExcludeController } from '@nestjs/swagger';
import {
  Controller,
  Get,
  Header,
  NotFoundException,
  Param,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_ASSETS_DIR } from './demo.constants';

/** The files of the demo page and their content types; nothing else is served from there. */
const FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'demo.js': 'text/javascript; charset=utf-8',
  'demo.js.map': 'application/json; charset=utf-8',
  'demo.css': 'text/css; charset=utf-8',
};

/** Serves the demo page (built by `npm run build:web`) at `/`. */
@ApiExcludeController()
@Controller()
export class DemoController {
  @Get()
  @Header('cache-control', 'no-cache')
  page(@Res() response: Response): void {
    this.send(response, 'index.html');
  }

  @Get('demo/:file')
  @Header('cache-control', 'no-cache')
  asset(@Param('file') file: string, @Res() response: Response): void {
    if (!Object.hasOwn(FILES, file)) throw new NotFoundException();
    this.send(response, file);
  }

  private send(response: Response, file: string): void {
    const path = join(DEMO_ASSETS_DIR, file);
    if (!existsSync(path)) {
      throw new ServiceUnavailableException('The demo page is not built: run `npm run build:web`.');
    }
    response.type(FILES[file]).sendFile(path);
  }
}
