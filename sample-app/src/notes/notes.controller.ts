import {
  Body,
  Controller,
  DefaultValuePipe,
  Get,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Query,
} from '@nestjs/common';
import { RecordNotFoundError } from '../../../lib';
import type { Note } from './note.model';
import { NotesService } from './notes.service';

@Controller('notes')
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Get()
  list(@Query('limit', new DefaultValuePipe(20), ParseIntPipe) limit: number): Promise<Note[]> {
    return this.notes.list(Math.min(limit, 100));
  }

  @Get(':id')
  async find(@Param('id', ParseIntPipe) id: number): Promise<Note> {
    try {
      return await this.notes.find(id);
    } catch (error) {
      if (error instanceof RecordNotFoundError) throw new NotFoundException(error.message);
      throw error;
    }
  }

  @Post()
  create(@Body() body: { title: string; body?: string | null }): Promise<Note> {
    return this.notes.create(body);
  }
}
