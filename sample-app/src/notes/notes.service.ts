import { Injectable } from '@nestjs/common';
import { InjectRepository, Repository } from '../../../lib';
import { Note } from './note.model';

@Injectable()
export class NotesService {
  constructor(@InjectRepository(Note) private readonly notes: Repository<Note>) {}

  list(limit: number): Promise<Note[]> {
    return this.notes.all().order({ createdAt: 'desc', id: 'desc' }).limit(limit);
  }

  find(id: number): Promise<Note> {
    return this.notes.find(id);
  }

  create(input: { title: string; body?: string | null }): Promise<Note> {
    return this.notes.create({ title: input.title, body: input.body ?? null });
  }
}
